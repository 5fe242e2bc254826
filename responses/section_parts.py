"""The responses section of a member's post page, put together from parts drawn once per process.

What the section shows a member is the same for every member in the same case (the post, whether
responses are open, which page of threads and whether more follow, whether they are stopped and until
when, whether they need a display name, whether they have something to edit) but for the request's own
values: the threads (a marker, :mod:`responses.middleware`), the CSRF token and the response form's new
key. So the frame of the section and the member's part (the response form, the in-place edit form, the
script) are drawn once per process for each case, with stand-ins where those values go, and put together
around them on each request: building the two forms and drawing the templates was a quarter of a member's
post page. Nothing kept holds a token or anything a member wrote. A reply being written (``?reply=``),
readers (whose pages the page cache keeps whole) and debug mode get it drawn whole.
"""

import re
import secrets
import uuid

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from blog.drawn import Drawn
from responses.forms import EditForm, ResponseForm

SECTION = "responses/section.html"
PARTIAL = "responses/section.html#member-respond"
KEPT_CASES = 1024  # a few per post a member opens; each a few KB

# Stand-ins no one can guess (new in each process), so that nothing drawn around them (a slug, a name)
# can be taken for one.
_TOKEN, _KEY, _THREADS, _RESPOND = (
    f"stand-in-{secrets.token_hex(16)}-{name}" for name in ("token", "key", "threads", "member")
)
_STAND_INS = re.compile("(" + "|".join((_TOKEN, _KEY, _THREADS, _RESPOND)) + ")")

_kept = Drawn(KEPT_CASES)  # each case's drawing, split at the stand-ins


def _put_together(case: tuple, draw, values: dict) -> str:
    """What ``draw()`` (given the stand-ins) draws for ``case``, kept, with ``values`` in the stand-ins' places."""
    parts = _kept.get(case, lambda: _STAND_INS.split(draw()))
    # The even parts are the template's own output (already escaped); the odd ones are stand-ins, whose
    # values format_html_join escapes unless they are HTML drawn for this request (the threads, the member's part).
    return format_html_join(
        "",
        "{}",
        ((values[part] if index % 2 else mark_safe(part),) for index, part in enumerate(parts)),  # noqa: S308
    )


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
        "member",
        get_script_prefix(),
        post.pk,
        post.slug,
        found["mode"],
        banned,
        member.ban_ends_at if banned else None,
        not member.display_name,
        found["page"].editable,
    )
    return _put_together(
        case,
        lambda: render_to_string(PARTIAL, _context(found, post=post, csrf_token=_TOKEN, key=_KEY, **addresses)),
        {_TOKEN: token, _KEY: str(uuid.uuid4())},
    )


def section_html(found: dict, *, user, respond: str = "") -> str:
    """The whole section for ``found``: drawn whole for readers and in debug mode, else put together around
    the threads' marker and the member's part (``respond``, from :func:`respond_html`)."""
    context = {**found, "user": user, "respond_html": respond}
    if settings.DEBUG or not user.is_authenticated:
        return render_to_string(SECTION, context)
    page = found["page"]
    case = ("frame", found["mode"], bool(page.html), page.number, page.has_next)
    return _put_together(
        case,
        lambda: render_to_string(SECTION, {**context, "threads_html": _THREADS, "respond_html": _RESPOND}),
        {_THREADS: found["threads_html"], _RESPOND: respond},
    )
