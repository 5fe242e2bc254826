"""How an essay's pictures reach the page, decided once when the post is saved.

The sanitised HTML's ``<img>`` tags are read again here, and each becomes one of:
- a picture stored with us: its dimensions (no layout shift), resized copies in ``srcset``, lazy loading
  for all but the first;
- one of the site's own static files: as written;
- a local path that was never stored (an import whose file was missing): the alt text, quietly, in place
  of a broken-image icon;
- a picture on another site: a link to it, so reading an essay makes no request to a third party,
  unless that host is listed in ``IMAGE_ALLOWED_HOSTS``.
"""

import html
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.html import format_html

from blog.images import public_url
from blog.models import Image

# nh3 writes every attribute in double quotes and escapes any quote inside one.
_IMG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')
_OPEN_LINK = re.compile(r"<a\b")
_ATTRIBUTE = re.compile(r'([^\s="/>]+)="([^"]*)"')
# Readers see one column of text at most about 700 px wide; phones the width of the screen.
SIZES = "(min-width: 48em) 700px, 100vw"


def _attributes(tag: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}


def _stored_name(src: str) -> str | None:
    prefix = settings.MEDIA_URL
    if src.startswith(prefix):
        return src[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
    return None


def _is_elsewhere(src: str) -> bool:
    parts = urlsplit(src)
    return parts.scheme in ("http", "https") or src.startswith("//")


def present_images(fragment: str) -> str:
    """``fragment`` with every ``<img>`` made ready for readers (one query, only when there are images)."""
    if "<img" not in fragment:
        return fragment
    sources = [_attributes(match.group(0)).get("src", "") for match in _IMG.finditer(fragment)]
    names = {name for name in map(_stored_name, sources) if name}
    stored = {image.name: image for image in Image.objects.filter(name__in=names)} if names else {}
    seen = 0

    def replace(match: re.Match) -> str:
        nonlocal seen
        attributes = _attributes(match.group(0))
        src, alt = attributes.get("src", ""), attributes.get("alt", "")
        name = _stored_name(src)
        if name is not None and name in stored:
            seen += 1
            return _stored_tag(stored[name], alt, first=seen == 1)
        if _is_static(src):
            # The site's own static files (an icon, a drawing shipped with the site): shown as written.
            seen += 1
            return _kept_tag(attributes, first=seen == 1)
        if _is_elsewhere(src):
            host = urlsplit(src if "://" in src else f"https:{src}").hostname or ""
            if host in settings.IMAGE_ALLOWED_HOSTS:
                seen += 1
                loading = "eager" if seen == 1 else "lazy"
                return format_html('<img src="{}" alt="{}" loading="{}" decoding="async">', src, alt, loading)
            label = alt or host
            if _inside_link(fragment, match.start()):
                # A linked picture (the link leads on by itself): no link inside a link.
                return format_html('<span class="image-elsewhere">Picture: {}</span>', label)
            return format_html(
                '<a class="image-elsewhere" href="{}" rel="nofollow noopener noreferrer">Picture: {}</a>', src, label
            )
        return format_html(
            '<span class="image-missing">{}</span>', f"Picture: {alt}" if alt else "A picture is missing here"
        )

    return _IMG.sub(replace, fragment)


def _is_static(src: str) -> bool:
    static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"
    return src.startswith(static)


def _kept_tag(attributes: dict[str, str], *, first: bool) -> str:
    width, height = attributes.get("width", ""), attributes.get("height", "")
    sized = format_html(' width="{}" height="{}"', width, height) if width.isdigit() and height.isdigit() else ""
    return format_html(
        '<img src="{}" alt="{}"{} loading="{}" decoding="async">',
        attributes.get("src", ""),
        attributes.get("alt", ""),
        sized,
        "eager" if first else "lazy",
    )


def _inside_link(fragment: str, position: int) -> bool:
    before = fragment[:position]
    return len(_OPEN_LINK.findall(before)) > before.count("</a>")


def _stored_tag(image: Image, alt: str, *, first: bool) -> str:
    widths = [*image.widths, image.width]
    names = [image.rendition_name(width) for width in image.widths] + [image.name]
    srcset = ", ".join(f"{public_url(name)} {width}w" for name, width in zip(names, widths, strict=True))
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" srcset="{}" sizes="{}" loading="{}" decoding="async">',
        public_url(image.name),
        alt or image.alt_text,
        image.width,
        image.height,
        srcset,
        SIZES,
        "eager" if first else "lazy",
    )
