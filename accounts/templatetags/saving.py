"""The Save button, drawn from templates/accounts/saving.html.

Blog's templates show it beside every post (``{% load saving %}{% save_button post %}``) without blog
knowing about members: which posts the member has saved comes from ``saved_post_ids``, put in every
template's context by ``accounts.context_processors.saved`` and read at most once a page.

A list page shows ten buttons, drawn on every member request: each is put together from parts drawn
once per process (the form's opening tag and its button, for a post, its title and its saved state)
around the part that is the response's own (the CSRF token and the page to return to), drawn once a
page. No part kept between requests holds a CSRF token.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html

register = template.Library()


@lru_cache(maxsize=32768)
def _save_urls(script_prefix: str, slug: str) -> tuple[str, str]:
    """A post's save and unsave URLs, reversed once per process (the script prefix is part of the key)."""
    return reverse("accounts:save", args=[slug]), reverse("accounts:unsave", args=[slug])


def _draw(script_prefix: str, slug: str, title: str, member: bool, saved: bool) -> tuple:
    """The button's parts that are the same for everyone: a link for readers, a form's two ends for members."""
    save_url, unsave_url = _save_urls(script_prefix, slug)
    context = {"title": title, "saved": saved, "save_url": save_url, "unsave_url": unsave_url}
    if not member:
        return (render_to_string("accounts/saving.html#save-link", context),)
    return (
        render_to_string("accounts/saving.html#save-form-open", context),
        render_to_string("accounts/saving.html#save-form-close", context),
    )


# Keyed by the post's slug and title: a renamed post gets new parts, the old ones age out.
_drawn = lru_cache(maxsize=2048)(_draw)


def _request_part(context) -> str:
    """The CSRF token (the context's, one masked token for the whole response) and ``next``, once a page.

    Kept in ``save_form_parts``, a dict :func:`accounts.context_processors.saved` gives each page. Not in
    ``context.render_context``: every ``{% include %}`` of a card renders with a render context of its own,
    so a list page would draw this part once a card again.
    """
    parts = context.get("save_form_parts")
    part = parts.get("request") if parts is not None else None
    if part is None:
        request = context.get("request")
        values = {
            "csrf_token": context.get("csrf_token"),
            "next": request.get_full_path() if request is not None else "",
        }
        part = render_to_string("accounts/saving.html#save-form-request", values)
        if parts is not None:
            parts["request"] = part
    return part


def _page_part(context) -> tuple:
    """(member?, script prefix, the response's own part, saved ids): worked out at a page's first button.

    Kept in ``save_form_parts`` too (a new dict each page): a list page draws ten buttons for one member.
    """
    parts = context.get("save_form_parts")
    page = parts.get("page") if parts is not None else None
    if page is None:
        user = context.get("user")
        member = user is not None and user.is_authenticated
        own = _request_part(context) if member else ""
        page = (member, get_script_prefix(), own, context.get("saved_post_ids", ()) if member else ())
        if parts is not None:
            parts["page"] = page
    return page


@register.simple_tag(takes_context=True)
def save_button(context, post):
    """Save/Saved for ``post``: a form for members, a plain link for everyone else.

    Readers who are not logged in get a link to a page that explains and asks them to log in, so
    public pages carry no form and set no cookie. Members get a real form (CSRF, ``next`` back here)
    that static/js/save.js sends with fetch. Debug mode draws every part every time, so a template
    being edited shows at once.
    """
    member, script_prefix, own, saved_ids = _page_part(context)
    saved = member and post.pk in saved_ids
    draw = _draw if settings.DEBUG else _drawn
    parts = draw(script_prefix, post.slug, post.title, member, saved)
    if not member:
        return parts[0]
    return format_html("{}{}{}", parts[0], own, parts[1])
