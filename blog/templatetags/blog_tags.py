"""Template helpers for posts: JSON-LD and absolute URLs built from SITE_URL."""

import json

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from blog.posts import site_url, tag_sort_key

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


@register.filter
def by_name(tags) -> list:
    """Tags by name, case-insensitively: the same order on a card, a post and the tag list."""
    return sorted(tags, key=tag_sort_key)
