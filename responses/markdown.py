"""A response's Markdown, rendered once when it is saved: a small subset, sanitised with nh3.

Paragraphs, emphasis, links, lists and quotes; no headings, images, tables or raw HTML (raw
HTML is escaped before Markdown sees it, then nh3 drops anything outside the allow-list).
Links get ``rel="nofollow ugc noopener noreferrer"``.
"""

import re
import threading

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"
# Characters that reorder or hide text (bidirectional overrides and isolates), and NUL.
_INVISIBLE = re.compile("[\u0000\u202a-\u202e\u2066-\u2069]")
_HREF = re.compile(r"<a\s[^>]*href=")

_local = threading.local()


def _converter() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=["markdown.extensions.sane_lists"], output_format="html")
        # The subset: no headings, images, tables, code blocks, rules or raw HTML.
        for name in ("hashheader", "setextheader", "hr", "code", "html"):
            md.parser.blockprocessors.deregister(name, strict=False)
        for name in ("image_link", "image_reference", "short_image_ref", "html", "automail", "autolink"):
            md.inlinePatterns.deregister(name, strict=False)
        md.preprocessors.deregister("html_block", strict=False)
    return md.reset()


def clean_text(text: str) -> str:
    """The body as stored: line endings normalised, invisible reordering characters and NUL removed."""
    return _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def render(text: str) -> str:
    """Markdown (the subset) to sanitised HTML."""
    # "<" never opens a tag here: typed HTML shows as text (and nh3 would drop it anyway).
    escaped = clean_text(text).replace("<", "&lt;")
    fragment = _converter().convert(escaped)
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def link_count(fragment: str) -> int:
    """How many links a rendered body holds."""
    return len(_HREF.findall(fragment))
