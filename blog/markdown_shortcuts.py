"""python-markdown's own inline passes, each given only the patterns that can match in the document at hand.

An inline pass asks every pattern about every string of text, and most of a render went there. Yet in one
document most patterns cannot match at all (without a "<" there is no raw HTML or autolink), and most strings
hold none of the texts that the remaining patterns need. :class:`SkipUnmatchable` registers, in place of
python-markdown's "inline" and "smarty" passes, a pass that reads the document's strings, picks the patterns
whose needed text is there, and runs python-markdown's public ``InlineProcessor`` with only those, over only
the strings that hold one of their texts. The patterns still run through python-markdown's code, in their
registered order, so the HTML is the same: blog/tests/test_markdown_shortcuts.py compares it with stock
python-markdown on samples that make every pattern match, and on the corpus.

Everything here is python-markdown's documented extension API: ``Extension.extendMarkdown``, ``Registry``
(iterate, get by name, register), ``Treeprocessor``, ``InlineProcessor`` and its ``inlinePatterns`` (as the
smarty extension sets them), ``Markdown.references`` and ``TocExtension.TreeProcessorClass``.
"""

import re

from markdown import util
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.treeprocessors import InlineProcessor

# Text that a string must contain for an inline pattern to match in it, by the name the pattern is registered
# under, each read off the pattern's regular expression. Patterns not named here are tried everywhere.
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
# Patterns linking to a reference the document defines ("[text][id]", "[id]"): in a document defining none
# they leave every string as it was (an unknown reference is text), so they are not tried.
REFERENCE_PATTERNS = ("reference", "short_reference", "image_reference", "short_image_ref")
# The inline passes, by name, at the priorities python-markdown documents for them (core and smarty).
INLINE_PASSES = {"inline": 20, "smarty": 6}
# Documents differ in which texts they hold; passes are kept for this many combinations at most.
MAX_PASSES = 256


class MatchableOnly(InlineProcessor):
    """python-markdown's inline pass over ``patterns``, given for each document only the patterns that can match.

    It stays an ``InlineProcessor`` (patterns read the stash of the pass registered as "inline").
    """

    def __init__(self, md, patterns: util.Registry):
        super().__init__(md)
        self.patterns = patterns
        self.plan: list[tuple[object, tuple[str, ...] | None, bool]] | None = None
        self.passes: dict[tuple[int, ...], tuple[util.Registry, re.Pattern | None]] = {}

    def make_plan(self) -> list[tuple[object, tuple[str, ...] | None, bool]]:
        """Each pattern in order, with its needed texts (None: tried everywhere) and whether it is a reference."""
        named = {name: self.patterns[name] for name in PATTERN_NEEDS if name in self.patterns}
        needs = {id(pattern): PATTERN_NEEDS[name] for name, pattern in named.items()}
        references = {id(named[name]) for name in REFERENCE_PATTERNS if name in named}
        self.plan = [(pattern, needs.get(id(pattern)), id(pattern) in references) for pattern in self.patterns]
        return self.plan

    def run(self, root, ancestors=None):
        plan = self.plan if self.plan is not None else self.make_plan()
        # The strings the pass reads: every element's text and tail but the root's, unless atomic.
        strings = [
            string
            for element in root.iter()
            if element is not root
            for string in (element.text, element.tail)
            if string and not isinstance(string, util.AtomicString)
        ]
        document = "\x00".join(strings)
        has_references = bool(self.md.references)
        kept = tuple(
            index
            for index, (_, needs, is_reference) in enumerate(plan)
            if needs is None or (any(text in document for text in needs) and (has_references or not is_reference))
        )
        if not kept:
            self.stashed_nodes = {}  # as the pass leaves it, for patterns of later passes that read it
            return root  # no pattern can match anywhere: the pass would leave the tree as it is
        self.inlinePatterns, any_needed = self.passes.get(kept) or self.make_pass(plan, kept)
        if any_needed is None:
            return super().run(root, ancestors)
        # Strings holding none of the kept patterns' texts would come out of the pass as they went in: they are
        # set aside while it runs (it passes over an element's missing text or tail).
        set_aside = []
        for element in root.iter():
            text, tail = element.text, element.tail
            text_aside = bool(text) and any_needed(text) is None
            tail_aside = bool(tail) and any_needed(tail) is None
            if text_aside or tail_aside:
                set_aside.append((element, text if text_aside else None, tail if tail_aside else None))
                if text_aside:
                    element.text = None
                if tail_aside:
                    element.tail = None
        try:
            return super().run(root, ancestors)
        finally:
            for element, text, tail in set_aside:
                if text is not None:
                    element.text = text
                if tail is not None:
                    element.tail = tail

    def make_pass(self, plan, kept: tuple[int, ...]) -> tuple[util.Registry, re.Pattern | None]:
        """The kept patterns in their order, and a search for any text one of them needs (None: some need none)."""
        patterns = util.Registry()
        for priority, index in enumerate(reversed(kept)):
            patterns.register(plan[index][0], f"pattern-{index}", priority)
        needed = [plan[index][1] for index in kept]
        any_needed = None
        if all(needs is not None for needs in needed):
            texts = sorted({text for needs in needed for text in needs})
            any_needed = re.compile("|".join(map(re.escape, texts))).search
        if len(self.passes) >= MAX_PASSES:
            self.passes.clear()
        self.passes[kept] = patterns, any_needed
        return patterns, any_needed


class MarkerOnlyTocTreeprocessor(TocTreeprocessor):
    """toc's pass, looking for its marker in the tree only when some text holds it."""

    def replace_marker(self, root, elem) -> None:
        if any(self.marker in text for text in root.itertext()):
            super().replace_marker(root, elem)


class MarkerOnlyTocExtension(TocExtension):
    """The toc extension with :class:`MarkerOnlyTocTreeprocessor`."""

    TreeProcessorClass = MarkerOnlyTocTreeprocessor


class SkipUnmatchable(Extension):
    """Run the inline passes with only the patterns that can match: the same HTML, faster. List it last."""

    def extendMarkdown(self, md):
        for name, priority in INLINE_PASSES.items():
            if name in md.treeprocessors:
                patterns = md.treeprocessors[name].inlinePatterns
                md.treeprocessors.register(MatchableOnly(md, patterns), name, priority)
