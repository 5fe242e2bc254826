"""Shortcuts through python-markdown: work that cannot change the HTML is not done.

python-markdown asks every inline pattern about every string and every block processor about every block;
most cannot match, and asking them was most of a render. :class:`SkipUnmatchable` (an extension) does
not ask a pattern or a block processor where the text it needs is absent, runs smarty's pass as a plain
loop, and lets toc look for its marker only where there is one. Each needed text is read off the
expression it stands for (the tables below). The HTML is the same: blog/tests/test_markdown_shortcuts.py
compares it with stock python-markdown on samples that make every pattern match, and on the corpus.
Parts of this lean on Markdown 3.11's internals (pinned in requirements.txt); that comparison fails if
an upgrade changes them.
"""

import re

from markdown import inlinepatterns, util
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor, Treeprocessor

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

    The patterns that can match still run in their registered order through python-markdown's own code, so
    the HTML is the same. A placeholder put in for a match contains none of the needed texts, so what a
    string lacks at first it lacks throughout. This overrides a private method of Markdown 3.11's
    ``InlineProcessor`` (see the module's docstring).
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
    exactly what they see upstream. test_markdown_shortcuts compares the HTML with the stock pass.
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
