"""Render a post's Markdown (or HTML) to safe HTML, once, when the post is saved.

python-markdown with the extensions Jekyll/kramdown writers rely on, then nh3
against an allow-list. Nothing that leaves :func:`render` can carry script,
event handlers, inline styles or foreign frames into a page.

:func:`render_post` derives everything a post keeps from its body. It is a pure
function, and this module never imports Django, so the importer can run it in
worker processes that have no database connection.
"""

import html
import math
import re
import threading
import unicodedata
from dataclasses import dataclass

import markdown
import nh3
from markdown import inlinepatterns, util
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor

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


# Text that a string must contain for an inline pattern to match in it, by the name the pattern is registered
# under, each read off the pattern's regular expression. Patterns not named here are always tried.
PATTERN_NEEDS = {
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[^",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "smarty-em-dashes": ("---",),
    "smarty-en-dashes": ("--",),
    "smarty-ellipses": ("...",),
    "smarty-quotes-0": ("'",),
    "smarty-quotes-1": ('"',),
    "smarty-quotes-2": ("\"'",),
    "smarty-quotes-3": ("'\"",),
    "smarty-quotes-4": ("'\"",),
    "smarty-quotes-5": ("\"'",),
    **{f"smarty-quotes-{n}": ("'",) for n in range(6, 11)},
    **{f"smarty-quotes-{n}": ('"',) for n in range(11, 15)},
}
# Patterns linking to a reference the document defines ("[text][id]", "[id]"): in a document defining none,
# they leave every string as it was (an unknown reference is text), so they are not tried.
REFERENCE_PATTERNS = ("reference", "short_reference", "image_reference", "short_image_ref")
# Where python-markdown registers the two inline passes (its own, and smarty's for quotes and dashes).
_INLINE_PASSES = {"inline": 20, "smarty": 6}


class QuickInlineProcessor(InlineProcessor):
    """python-markdown's inline pass, not trying a pattern where its needed text (``PATTERN_NEEDS``) is absent.

    Trying each of some thirty patterns on every string was most of a render. The patterns that can match
    still run in their registered order through python-markdown's own code, so the HTML is the same
    (test_markdown_quick compares it with the stock passes over fixed samples and the corpus). A placeholder put
    in for a match contains none of the needed texts, so what a string lacks at first it lacks throughout.
    This overrides a private method of Markdown 3.11's ``InlineProcessor``; the version is pinned in
    requirements.txt, and that comparison fails if an upgrade changes what the method has to do.
    """

    def __init__(self, md, patterns):
        super().__init__(md)
        self.inlinePatterns = patterns
        self._plan = None

    def _make_plan(self) -> None:
        """Each pattern with its needed texts and its search (None: tried everywhere, as an old-style one)."""
        patterns = self.inlinePatterns
        needs = {patterns[name]: texts for name, texts in PATTERN_NEEDS.items() if name in patterns}
        self._plan = [
            (
                pattern,
                needs.get(pattern) if isinstance(pattern, inlinepatterns.InlineProcessor) else None,
                pattern.getCompiledRegExp().search if isinstance(pattern, inlinepatterns.InlineProcessor) else None,
            )
            for pattern in patterns
        ]
        self._needed = tuple(sorted({text for _, texts, _ in self._plan for text in texts or ()}))
        self._any_needed = re.compile("|".join(map(re.escape, self._needed))).search if self._needed else None
        self._everywhere = any(texts is None for _, texts, _ in self._plan)
        references = {patterns[name] for name in REFERENCE_PATTERNS if name in patterns}
        self._reference_indexes = {index for index, (pattern, _, _) in enumerate(self._plan) if pattern in references}
        self._tried: dict[tuple[frozenset, bool], list[int]] = {}

    def run(self, tree, ancestors=None):
        if self._plan is None:
            self._make_plan()
        if self._everywhere or self._any_needed is None:
            return super().run(tree, ancestors)
        # Where no pattern can match, the pass would leave a string as it is and add nothing beside it. Such
        # texts and tails are set aside while it runs (it skips an element's missing text or tail), and the
        # pass is skipped when nothing can match at all.
        set_aside = []
        matchable = False
        for element in tree.iter():
            text, tail = element.text, element.tail
            text_aside = bool(text) and self._any_needed(text) is None
            tail_aside = bool(tail) and self._any_needed(tail) is None
            matchable = matchable or (bool(text) and not text_aside) or (bool(tail) and not tail_aside)
            if text_aside or tail_aside:
                set_aside.append((element, text if text_aside else None, tail if tail_aside else None))
        if not matchable:
            return tree
        for element, text, tail in set_aside:
            if text is not None:
                element.text = None
            if tail is not None:
                element.tail = None
        try:
            return super().run(tree, ancestors)
        finally:
            for element, text, tail in set_aside:
                if text is not None:
                    element.text = text
                if tail is not None:
                    element.tail = tail

    # The mangled name of upstream's private __handleInline, which its run() and __applyPattern call.
    def _InlineProcessor__handleInline(self, data, patternIndex=0):
        if isinstance(data, util.AtomicString):
            return data
        if not self._everywhere and (self._any_needed is None or self._any_needed(data) is None):
            return data  # no pattern can match in it
        present = frozenset(text for text in self._needed if text in data)
        key = (present, bool(self.md.references))
        tried = self._tried.get(key)
        if tried is None:
            tried = self._tried[key] = [
                index
                for index, (_, texts, _) in enumerate(self._plan)
                if (texts is None or not present.isdisjoint(texts)) and (key[1] or index not in self._reference_indexes)
            ]
        apply = self._InlineProcessor__applyPattern
        for index in tried:
            if index < patternIndex:
                continue
            pattern, _, search = self._plan[index]
            start = 0
            # As upstream: the same pattern again past its last match, until it matches no more.
            while search is None or search(data, start) is not None:
                data, matched, start = apply(pattern, data, index, start)
                if not matched:
                    break
        return data


class QuickSmartyProcessor(Treeprocessor):
    """smarty's pass (quotes, dashes, ellipses) done as python-markdown does it, without its general machinery.

    Each smarty pattern only puts text in place of its match, so the pass comes down to this, for every text
    and tail but atomic ones: each pattern in turn puts a placeholder in place of each match, left to right,
    the next search starting after it (later patterns see the placeholders, as they do upstream); then each
    placeholder becomes the pattern's text. The placeholders are python-markdown's own, so the patterns see
    exactly what they see upstream. test_markdown_quick compares the HTML with the stock pass.
    """

    def __init__(self, md, patterns):
        super().__init__(md)
        self.inlinePatterns = patterns
        needs = {patterns[name]: texts for name, texts in PATTERN_NEEDS.items() if name in patterns}
        self._plan = [
            (pattern.getCompiledRegExp().search, pattern.handleMatch, needs.get(pattern)) for pattern in patterns
        ]
        needed = sorted({text for _, _, texts in self._plan for text in texts or ()})
        # A pattern that needs nothing in particular is tried on every string.
        everywhere = not needed or any(texts is None for _, _, texts in self._plan)
        self._any_needed = None if everywhere else re.compile("|".join(map(re.escape, needed))).search

    def run(self, root):
        self.placeholders = 0
        for element in root.iter():
            if element is root:
                continue  # upstream's pass reads the root's children only
            if element.text and not isinstance(element.text, util.AtomicString):
                element.text = self._educate(element.text)
            if element.tail and not isinstance(element.tail, util.AtomicString):
                element.tail = self._educate(element.tail)

    def _educate(self, data: str) -> str:
        if self._any_needed is not None and self._any_needed(data) is None:
            return data
        texts: dict[str, str] = {}
        for search, handle_match, needs in self._plan:
            if needs is not None and not any(text in data for text in needs):
                continue
            start = 0
            while (match := search(data, start)) is not None:
                text, begin, end = handle_match(match, data)
                placeholder = util.INLINE_PLACEHOLDER % f"{self.placeholders:04d}"
                self.placeholders += 1
                texts[placeholder] = text
                data = f"{data[:begin]}{placeholder}{data[end:]}"
                start = begin + len(placeholder)
        if texts:
            data = util.INLINE_PLACEHOLDER_RE.sub(lambda match: texts[match.group(0)], data)
        return data


# Text a block must contain for a block processor to take it, by the name the processor is registered under,
# each read off the expression its test searches for. Processors not named here are always asked.
BLOCK_NEEDS = {
    "hashheader": ("#",),
    "setextheader": ("\n=", "\n-"),
    "hr": ("-", "*", "_"),
    "quote": (">",),
    "table": ("|",),
    "deflist": (":",),
}
# The same for processors whose test always passes and whose run hands the block back when its expression
# finds nothing: the block is not handed to them.
BLOCK_RUN_NEEDS = {"reference": ("]:",), "footnote": ("[^",), "abbr": ("*[",)}


def _unless_absent(method, needs: tuple[str, ...], block_of):
    """``method``, answering False at once when its block (``block_of`` its second argument) has none of ``needs``."""

    def quick(parent, blocks):
        block = block_of(blocks)
        return any(text in block for text in needs) and method(parent, blocks)

    return quick


def _unless_no_marker(replace_marker, marker: str):
    """toc's ``replace_marker``, skipped when no text in the document holds the marker it would replace."""

    def quick(root, element):
        if any(marker in text for text in root.itertext()):
            replace_marker(root, element)

    return quick


class SkipUnmatchable(Extension):
    """Do not try a pattern or a block processor where the text it needs is absent: the same HTML, faster.

    The inline passes run as :class:`QuickInlineProcessor` and :class:`QuickSmartyProcessor`; the block
    processors in ``BLOCK_NEEDS`` and ``BLOCK_RUN_NEEDS`` answer "not mine" at once for a block without
    their text; toc looks for its ``[TOC]`` marker only in a document that has one. List this extension
    after every other.
    """

    def extendMarkdown(self, md):
        if "inline" in md.treeprocessors:
            patterns = md.treeprocessors["inline"].inlinePatterns
            md.treeprocessors.register(QuickInlineProcessor(md, patterns), "inline", _INLINE_PASSES["inline"])
        if "smarty" in md.treeprocessors:
            patterns = md.treeprocessors["smarty"].inlinePatterns
            md.treeprocessors.register(QuickSmartyProcessor(md, patterns), "smarty", _INLINE_PASSES["smarty"])
        if "toc" in md.treeprocessors and md.treeprocessors["toc"].marker:
            toc = md.treeprocessors["toc"]
            toc.replace_marker = _unless_no_marker(toc.replace_marker, toc.marker)
        processors = md.parser.blockprocessors
        for name, needs in BLOCK_NEEDS.items():
            if name in processors:
                processors[name].test = _unless_absent(processors[name].test, needs, lambda block: block)
        for name, needs in BLOCK_RUN_NEEDS.items():
            if name in processors:
                processors[name].run = _unless_absent(processors[name].run, needs, lambda blocks: blocks[0])


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


def _converter() -> markdown.Markdown:
    """One Markdown instance per thread, reset between documents: building one costs ~15% of a render."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(
            extensions=[*EXTENSIONS, KramdownCompat(), SkipUnmatchable()],
            extension_configs=EXTENSION_CONFIGS,
            output_format="html",
        )
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
        inner = match.group(1).strip()
        if _LONE_LINK.fullmatch(inner):
            continue  # a paragraph that is only a link (a button, a "listen here") introduces nothing
        text = " ".join(html.unescape(_TAG.sub("", inner)).split())
        if _WORD.search(text) and len(text) > 1:
            break
    else:
        text = html_to_text(fragment).split("\n", 1)[0] if fragment else ""
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
