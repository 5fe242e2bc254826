"""The Save button, drawn from templates/accounts/saving.html.

Blog's templates show it beside every post (``{% load saving %}{% save_button post %}``) without blog
knowing about members: which posts the member has saved comes from ``saved_post_ids``, put in every
template's context by ``accounts.context_processors.saved`` and read at most once a page.
"""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()


@lru_cache(maxsize=32768)
def _save_urls(script_prefix: str, slug: str) -> tuple[str, str]:
    """A post's save and unsave URLs, reversed once per process (the script prefix is part of the key)."""
    return reverse("accounts:save", args=[slug]), reverse("accounts:unsave", args=[slug])


@register.inclusion_tag("accounts/saving.html#save-button", takes_context=True)
def save_button(context, post):
    """Save/Saved for ``post``: a form for members, a plain link for everyone else.

    Readers who are not logged in get a link to a page that explains and asks them to log in, so
    public pages carry no form and set no cookie. Members get a real form (CSRF, ``next`` back here)
    that static/js/save.js sends with fetch.
    """
    user = context.get("user")
    member = user is not None and user.is_authenticated
    save_url, unsave_url = _save_urls(get_script_prefix(), post.slug)
    request = context.get("request")
    return {
        "post": post,
        "member": member,
        "saved": member and post.pk in context.get("saved_post_ids", ()),
        "save_url": save_url,
        "unsave_url": unsave_url,
        "next": request.get_full_path() if member and request is not None else "",
    }
