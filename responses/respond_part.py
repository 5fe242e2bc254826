"""A member's part of the responses section: the response form, the in-place edit form and the script.

It is the same for every member in the same case (the post, whether responses are open, whether they are
stopped and until when, whether they need a display name, whether they have something to edit) but for
two values of the request's own: the CSRF token and the form's new key. So it is drawn once per process
for each case, with stand-ins where those two go, and put together around them on each request:
building the two forms and drawing them was a fifth of a member's post page. Nothing kept holds a token.
A reply being written (``?reply=``) and debug mode draw it whole.
"""

import re
import threading
import uuid
from collections import OrderedDict

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from responses.forms import EditForm, ResponseForm

PARTIAL = "responses/section.html#member-respond"
KEPT_CASES = 1024  # a few per post a member opens; each a few KB

_TOKEN = "csrf-token-of-the-request"
_KEY = uuid.UUID(int=0)
_PLACES = re.compile(f"({re.escape(_TOKEN)}|{_KEY})")

_kept: OrderedDict = OrderedDict()
_lock = threading.Lock()


def _context(found: dict, *, post, csrf_token, key, respond_url: str, script_url: str) -> dict:
    member, page = found["member"], found["page"]
    context = {
        "post": post,
        "mode": found["mode"],
        "member": member,
        "editable": page.editable,
        "csrf_token": csrf_token,
        "respond_url": respond_url,
        "script_url": script_url,
        "form": ResponseForm(initial={"key": key, "parent": found["reply_to"]}, needs_name=not member.display_name),
    }
    if page.editable:
        context["edit_form"] = EditForm(auto_id="edit-%s")
    return context


def respond_html(found: dict, *, post, csrf_token, respond_url: str, script_url: str) -> str:
    """The member's part of the section for ``found`` (what :func:`responses.threads.section` gave)."""
    addresses = {"respond_url": respond_url, "script_url": script_url}
    token = str(csrf_token or "")
    if settings.DEBUG or found["reply_to"] is not None or not token or token == "NOTPROVIDED":
        context = _context(found, post=post, csrf_token=csrf_token, key=uuid.uuid4(), **addresses)
        return render_to_string(PARTIAL, context)
    member = found["member"]
    banned = member.banned
    case = (
        get_script_prefix(),
        post.pk,
        post.slug,
        found["mode"],
        banned,
        member.ban_ends_at if banned else None,
        not member.display_name,
        found["page"].editable,
    )
    parts = _kept.get(case)
    if parts is None:
        drawn = render_to_string(PARTIAL, _context(found, post=post, csrf_token=_TOKEN, key=_KEY, **addresses))
        parts = _PLACES.split(drawn)
        with _lock:
            _kept[case] = parts
            while len(_kept) > KEPT_CASES:
                _kept.popitem(last=False)
    values = {_TOKEN: token, str(_KEY): str(uuid.uuid4())}
    # The even parts are the template's own output (already escaped), the odd ones the stand-ins, whose
    # values format_html_join escapes.
    return format_html_join(
        "",
        "{}",
        ((values[part] if index % 2 else mark_safe(part),) for index, part in enumerate(parts)),  # noqa: S308
    )
