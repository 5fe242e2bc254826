"""Gentle warnings for the writer, read from the body and its rendering (never blocking a save)."""

import html
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

# Liquid outside code: a tag ({% … %}) or an output ({{ … }}) that the importer did not convert.
_LIQUID = re.compile(r"\{%-?\s*(\w+).*?%\}|\{\{.*?\}\}", re.S)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_IMG = re.compile(r"<img\b[^>]*>")
_ALT = re.compile(r'\balt="([^"]*)"')
_HREF = re.compile(r'<a\b[^>]*\bhref="([^"]*)"')
_HEADING = re.compile(r"<h([1-6])\b")


def _without_code(body: str) -> str:
    return _INLINE_CODE.sub("", _FENCE.sub("", body))


def liquid(body: str) -> list[str]:
    found = [match.group(0) for match in _LIQUID.finditer(_without_code(body))]
    if not found:
        return []
    sample = found[0] if len(found[0]) <= 40 else f"{found[0][:40]}…"
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return [f"Liquid left in the text: {sample}{more}. Readers would see it as written."]


def missing_alt(fragment: str) -> list[str]:
    count = sum(1 for tag in _IMG.findall(fragment) if not (_ALT.search(tag) and _ALT.search(tag).group(1).strip()))
    if not count:
        return []
    return [
        f"{count} picture{'s' if count > 1 else ''} without alt text: "
        "describe what it shows for readers who cannot see it."
    ]


def _post_slug(href: str) -> str | None:
    href = html.unescape(href)
    parts = urlsplit(href)
    if parts.netloc and f"{parts.scheme}://{parts.netloc}" != settings.SITE_URL:
        return None
    if not parts.path.startswith("/posts/"):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return ""
    return match.kwargs.get("slug", "") if match.view_name == "blog:post-detail" else None


def broken_post_links(fragment: str) -> list[str]:
    from blog.models import Post

    slugs = {slug for slug in map(_post_slug, _HREF.findall(fragment)) if slug is not None}
    if not slugs:
        return []
    public = set(Post.objects.published().filter(slug__in=slugs).values_list("slug", flat=True))
    missing = sorted(slugs - public)
    return [f"A link goes to /posts/{slug}/, which readers cannot open (no such published essay)." for slug in missing]


def heading_skips(fragment: str) -> list[str]:
    # The page's title is the h1: the essay's own headings start at h2.
    previous, warnings = 1, []
    for level in map(int, _HEADING.findall(fragment)):
        if level > previous + 1:
            warnings.append(f"A level-{level} heading follows a level-{previous} one: screen readers announce the gap.")
        previous = level
    return warnings


def warnings_for(body: str, fragment: str) -> list[str]:
    """Everything worth a gentle word about ``body`` and its rendered ``fragment``."""
    return [*liquid(body), *missing_alt(fragment), *broken_post_links(fragment), *heading_skips(fragment)]
