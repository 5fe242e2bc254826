"""Render a post's Markdown (or HTML) to safe HTML, once, when the post is saved.

python-markdown with the extensions Jekyll/kramdown writers rely on, then nh3
against an allow-list. Nothing that leaves :func:`render` can carry script,
event handlers, inline styles or foreign frames into a page.

:func:`render_post` derives everything a post keeps from its body. It is a pure
function, and this module never imports Django, so the importer can run it in
worker processes that have no database connection.
"""

import html
import importlib
import math
import re
import threading
import unicodedata
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from blog.markdown_shortcuts import MarkerOnlyTocExtension, SkipUnmatchable

EXTENSIONS = [
    "markdown.extensions.tables",
    "markdown.extensions.fenced_code",
    "markdown.extensions.footnotes",
    "markdown.extensions.attr_list",
    "markdown.extensions.md_in_html",
    "markdown.extensions.smarty",
    "markdown.extensions.toc",
    "markdown.extensions.sane_lists",
    "markdown.extensions.abbr",
    "markdown.extensions.def_list",
]
EXTENSION_CONFIGS = {
    # Column alignment as align="…" (allowed on td/th); the default style="text-align" is stripped by nh3.
    "markdown.extensions.tables": {"use_align_attribute": True},
    "markdown.extensions.toc": {"permalink": False, "toc_depth": "2-4"},
    "markdown.extensions.footnotes": {"BACKLINK_TITLE": "Back to text"},
}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul", "var", "wbr",
}  # fmt: skip
# Dropped together with everything inside them, not just unwrapped.
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "form", "noscript", "template", "svg", "math"}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "col": {"span"},
    "colgroup": {"span"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed", "type"},
    "q": {"cite"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# nh3 appends the attributes it sets in a random order, call by call: one order, so that the same body always
# gives the same HTML (rerender_posts compares it; the importer's worker processes must agree with it).
_IMG_ATTRIBUTES_SWAPPED = re.compile(r'(<img(?: [^\s="]+="[^"]*")*?) decoding="async" loading="lazy">')

_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|pre|tr|div|dd|dt|figcaption)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+", re.UNICODE)
_BUTTON_LINK = re.compile(r"<a\b[^>]*\bclass=\"[^\"]*\bback-button\b[^\"]*\"[^>]*>.*?</a>", re.S | re.I)
_LONE_LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.S | re.I)
# What blog.image_html puts where a picture cannot load: words about a picture, not the essay's own, so
# a first paragraph reads the same before and after the pictures are matched with media storage.
_PICTURE_STAND_IN = re.compile(
    r'<span class="image-(?:missing|elsewhere)">.*?</span>|<a class="image-elsewhere"[^>]*>.*?</a>', re.S
)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S | re.I)
_ASCII_NON_WORD_TO_SPACE = bytes(
    byte if byte < 128 and (chr(byte).isalnum() or chr(byte) == "_") else ord(" ") for byte in range(256)
)


class ListAfterParagraph(Preprocessor):
    """Let a list start right under a paragraph line, as kramdown's GFM input (Jekyll's default) does.

    python-markdown wants a blank line first; without one, "ask:\n- this\n- that" would come out as one
    paragraph with dashes. Fenced code is left alone.
    """

    _ITEM = re.compile(r"^ {0,3}(?:[-*+]|1[.)])[ \t]+\S")
    _ANY_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])[ \t]+\S")
    _FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")

    def run(self, lines):
        out, fence, previous = [], None, ""
        for line in lines:
            if match := self._FENCE.match(line):
                marker = match.group(1)[0]
                fence = None if fence == marker else (fence or marker)
            elif (
                fence is None
                and self._ITEM.match(line)
                and previous.strip()
                and not self._ANY_ITEM.match(previous)
                and not previous.startswith((" ", "\t", ">", "|", "<"))
            ):
                out.append("")
            out.append(line)
            previous = line
        return out


class KramdownCompat(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(ListAfterParagraph(md), "list_after_paragraph", 25)


def _keep_target(tag: str, attribute: str, value: str) -> str | None:
    """Links may open a new tab, but only as ``_blank`` (always with rel=noopener)."""
    if attribute == "target":
        return "_blank" if value.strip().lower() == "_blank" else None
    return value


def sanitise(fragment: str) -> str:
    """Clean an HTML fragment against the allow-list."""
    cleaned = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes={**ALLOWED_ATTRIBUTES, "a": ALLOWED_ATTRIBUTES["a"] | {"target"}},
        attribute_filter=_keep_target,
        link_rel="noopener noreferrer",
        url_schemes=URL_SCHEMES,
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
        strip_comments=True,
    )
    if "<img" in cleaned:
        cleaned = _IMG_ATTRIBUTES_SWAPPED.sub(r'\1 loading="lazy" decoding="async">', cleaned)
    return cleaned


_local = threading.local()


def _extension(name: str) -> Extension:
    """The extension named, made by its module's ``makeExtension``, as python-markdown makes one named by module.

    Not by name: python-markdown would first read every installed package's entry points, in each worker
    process. toc comes as :class:`MarkerOnlyTocExtension`, which looks for its marker only where there is one.
    """
    config = EXTENSION_CONFIGS.get(name, {})
    if name == "markdown.extensions.toc":
        return MarkerOnlyTocExtension(**config)
    return importlib.import_module(name).makeExtension(**config)


def make_converter() -> markdown.Markdown:
    """A new Markdown instance as the site renders with it."""
    return markdown.Markdown(
        extensions=[*map(_extension, EXTENSIONS), KramdownCompat(), SkipUnmatchable()], output_format="html"
    )


def _converter() -> markdown.Markdown:
    """One Markdown instance per thread, reset between documents: building one costs more than a short render."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = make_converter()
    return md.reset()


def render(text: str, *, is_html: bool = False) -> str:
    """Render Markdown (or take HTML as written) and return sanitised HTML."""
    if is_html:
        return sanitise(text)
    return sanitise(_converter().convert(text))


@dataclass(frozen=True)
class Rendered:
    """What a post derives from its body (read as HTML when ``is_html``), made by :func:`render_post`."""

    body: str
    is_html: bool
    html: str
    text: str
    first_paragraph: str
    reading_minutes: int


def render_post(body: str, *, is_html: bool = False) -> Rendered:
    """Everything :meth:`blog.models.Post.render` keeps, derived from ``body``."""
    fragment = render(body, is_html=is_html)
    text = html_to_text(fragment)
    return Rendered(body, is_html, fragment, text, first_paragraph(fragment), reading_minutes(text))


def render_posts(bodies: list[tuple[str, bool]]) -> list[Rendered | Exception]:
    """:func:`render_post` for each ``(body, is_html)``: one task for a worker process.

    A body that cannot be rendered gives its exception in its place, so that the others are kept.
    """
    results: list[Rendered | Exception] = []
    for body, is_html in bodies:
        try:
            results.append(render_post(body, is_html=is_html))
        except Exception as error:  # reported as that file's failure by whoever asked
            results.append(error)
    return results


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: blocks become line breaks, entities are decoded.

    Link-buttons (the playlist button) are furniture, not prose: they stay out of
    the text that search, snippets and reading time use.
    """
    text = _BUTTON_LINK.sub("", fragment)
    text = _BLOCK_END.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    # split() and \s agree on what is white space: runs become one space, ends are trimmed.
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def first_paragraph(fragment: str, limit: int = 400) -> str:
    """The first paragraph with words in it, as plain text, cut at a word boundary."""
    for match in _PARAGRAPH.finditer(fragment):
        inner = _PICTURE_STAND_IN.sub("", match.group(1)).strip()
        if _LONE_LINK.fullmatch(inner):
            continue  # a paragraph that is only a link (a button, a "listen here") introduces nothing
        text = " ".join(html.unescape(_TAG.sub("", inner)).split())
        if _WORD.search(text) and len(text) > 1:
            break
    else:
        text = html_to_text(_PICTURE_STAND_IN.sub("", fragment)).split("\n", 1)[0] if fragment else ""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—– ")
    return f"{cut}…"


def reading_minutes(text: str) -> int:
    """Minutes to read at 220 words a minute; scripts without spaces count 500 characters a minute."""
    if text.isascii():
        # The same count as below, faster: in ASCII, \w is a letter, a digit or "_", and no word is wide.
        return max(1, math.ceil(len(text.encode().translate(_ASCII_NON_WORD_TO_SPACE).split()) / 220))
    words = 0
    wide = 0
    for word in _WORD.findall(text):
        # Most words are ASCII: skip the per-character look-up for them (it dominated imports).
        if not word.isascii() and any(unicodedata.east_asian_width(ch) in "WF" for ch in word):
            wide += len(word)
        else:
            words += 1
    return max(1, math.ceil(words / 220 + wide / 500))
