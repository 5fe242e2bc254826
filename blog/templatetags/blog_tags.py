"""Template helpers: JSON-LD and absolute URLs built from SITE_URL, and the site's frame (header, footer)."""

import json
from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from blog.posts import site_url, tag_links

register = template.Library()

# Characters that could end a <script> block or start markup, escaped as JSON allows.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def absolute_url(path: str) -> str:
    """``SITE_URL`` + path, for canonical links and Open Graph."""
    return site_url(path)


@register.simple_tag
def post_jsonld(post):
    """A ``BlogPosting`` JSON-LD block (a data block, not a script: CSP does not run it)."""
    url = site_url(post.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title[:110],
        "description": post.summary,
        "datePublished": post.published_at.isoformat(),
        "dateModified": post.modified_at.isoformat(),
        "url": url,
        "mainEntityOfPage": url,
        "keywords": [tag.name for tag in post.tags.all()],
        "author": {"@type": "Person", "name": settings.SITE_NAME},
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL},
    }
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.filter(name="tag_links")
def tag_links_filter(tags) -> list:
    """``(tag, address)`` pairs by name, case-insensitively (:func:`blog.posts.tag_links`): the same order on a
    card, a post and the tag list, and no ``{% url %}`` a tag."""
    return tag_links(tags)


def _draw_frame(template_name: str, member: bool, view_name: str, nav: tuple, site_name: str) -> str:
    context = {"member": member, "VIEW_NAME": view_name, "NAV": dict(nav), "SITE_NAME": site_name}
    return render_to_string(template_name, context)


# The view names and links are a fixed set: a handful of entries per process.
_frame = lru_cache(maxsize=512)(_draw_frame)


@register.simple_tag(takes_context=True)
def site_frame(context, template_name: str) -> str:
    """The header or footer (``template_name``), drawn once per process for each page kind.

    They depend only on whether a member is logged in, which page is current and the site's links,
    and are on every page a member gets, each built afresh: drawn once, they cost a dict lookup.
    Nothing in them is one member's (the CSRF token of "Log out" is in base.html). Debug mode draws
    them every time, so a template being edited shows at once.
    """
    user = context.get("user")
    parts = (
        template_name,
        bool(user is not None and user.is_authenticated),
        context.get("VIEW_NAME", ""),
        tuple(context.get("NAV", {}).items()),
        context.get("SITE_NAME", ""),
    )
    return _draw_frame(*parts) if settings.DEBUG else _frame(*parts)
