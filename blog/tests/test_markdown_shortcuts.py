"""The faster render path gives exactly the HTML, text and counts of the plain one.

``blog.markdown_shortcuts`` does not try a pattern or a block processor where the text it needs is absent,
runs smarty's pass as a plain loop, and ``blog.markdown`` derives text and reading time with cheaper string
methods. These tests compare each with the stock code on fixed samples, and on the whole corpus when
../shared is present.
"""

import math
import re
from pathlib import Path

import markdown as python_markdown
import pytest

from blog import markdown
from blog import markdown_shortcuts as shortcuts
from blog.tests.test_markdown import HOSTILE, PLAYLIST
from jekyll import importer
from jekyll import parse as jekyll

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "jekyll"

# Every inline pattern matching, not matching, nested in another and next to a placeholder.
SAMPLES = [
    "",
    "Plain words only, nothing else in them at all",
    "She said \"hello\" and 'goodbye'. He said, \"'Quoted' words in a larger quote.\"",
    "'Twas the night. The '80s were loud. \"'Nested'\" and '\"nested\"' quotes; rock 'n' roll.",
    "It's Mary's; the students' notes; 'quote' at the end'",
    '"Start," she said -- and --- then... and .... and -- -- ----',
    '"\'" \'"\' "" \'\' " \' "x" \'x\' ("x") [\'x\'] {"x"} -"x"- \u2014"x"\u2014 &mdash;\'x\' &#8212;"x"',
    'Code `don\'t "touch" -- this...` and ``a `tick` inside`` and \\`escaped\\` and \\\\`real`',
    "Escapes: \\*not em\\* \\_nor\\_ \\[nor link\\] \\\\ \\' \\\" \\< \\&",
    "*em* _em_ **strong** __strong__ ***both*** ___both___ *a **b** c* _snake_case_word_ 2*3*4 * lone * and _ lone _",
    '[link](https://example.org \'Title "here"\') [ref][r] [short] ![img](/a.png "It\'s") ![ref img][r] ![short]',
    "[r]: https://example.org/r\n[short]: https://example.org/s",
    '<https://example.org/auto> <mail@example.org> <span class="x">\'html\' -- "inline"</span>',
    "&amp; &copy; &#8212; &#x2014; & alone &nbsp;",
    "'... was all she wrote, and '\"hm\"' too",
    '"...!" he began; "?" she replied',
    "Line with two spaces  \nnext line and a\\\nbackslash break",
    'A claim.[^1] Another[^note] and [^not a note\n\n[^1]: The "source" -- it\'s here...\n[^note]: Second.',
    "*[HTML]: Hyper Text Markup Language\n\nHTML is 'fine' -- HTML...",
    '[TOC]\n\n## A "quoted" heading -- with dashes\n\n### It\'s *emphasised*\n\ntext',
    'Term\n:   It\'s a "definition" -- really...\n\nOther term\n:   Plain',
    "| 'a' | \"b\" |\n|:--|--:|\n| x -- y | z... |",
    "Remember 'this'.\n{: .notice title=\"It's\" }",
    '<div class="callout" markdown="1">\nA *soft* "note" -- it\'s here...\n</div>',
    '<div>\nRaw \'html\' block -- left "as is"...\n</div>\n\nAfter "it".',
    "```python\nprint('<b>' -- \"x\"...)\n```\n\n    indented 'code' -- too...",
    "> A 'quote' -- in a \"blockquote\"...\n>\n> - with a 'list' item",
    "1. First 'item'\n2. Second \"item\" -- with *em*\n   - nested 'one'...\n\nAsk:\n- this\n- that",
    "Mixed *'em'* and **\"strong\"** and _'under'_ and [\"link\"](/x) and ['quoted link'](/y) and `'code'`",
    "Entity then quote &amp;'x' and &nbsp;\"y\" and --'z' and \u2013\"w\"",
    "Numbers 5'10\" and 1990's and 'tis and '99 and x'y'z and 'a\"b'c\"",
    "Many * stars * and _ underscores _ and ** double ** and *unclosed and _unclosed",
    "Setext title\n============\n\nSecond title\n---\n\nText\n- - -\n\n* * *\n\n___\n\n-- not a rule --",
    "# Hash title #\n\n###### Six\n\n#not a title\n\nA # in text and C# too",
    "Term: not a definition\n\n: a colon at the start\n\na | b but no table\n\n> quote\nlazy line",
    "Text with a [ref]: that is not one\n\n[ref]: https://example.org\n\n*[ABBR]: An abbreviation\n\nABBR",
    "[tight]:https://example.org/t\n[^n]:A note\n*[HTML]:Hyper Text\n\n[tight] HTML[^n]",
    PLAYLIST,
    *HOSTILE,
]


def stock_converter() -> python_markdown.Markdown:
    """The converter as python-markdown builds it, without SkipUnmatchable."""
    return python_markdown.Markdown(
        extensions=[*markdown.EXTENSIONS, markdown.KramdownCompat()],
        extension_configs=markdown.EXTENSION_CONFIGS,
        output_format="html",
    )


def quick_converter() -> python_markdown.Markdown:
    return python_markdown.Markdown(
        extensions=[*markdown.EXTENSIONS, markdown.KramdownCompat(), shortcuts.SkipUnmatchable()],
        extension_configs=markdown.EXTENSION_CONFIGS,
        output_format="html",
    )


def stock_html_to_text(fragment: str) -> str:
    text = markdown._BUTTON_LINK.sub("", fragment)
    text = markdown._BLOCK_END.sub("\n", text)
    text = markdown.html.unescape(markdown._TAG.sub("", text))
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def stock_reading_minutes(text: str) -> int:
    words = wide = 0
    for word in re.findall(r"\w+", text):
        if any(markdown.unicodedata.east_asian_width(ch) in "WF" for ch in word):
            wide += len(word)
        else:
            words += 1
    return max(1, math.ceil(words / 220 + wide / 500))


def assert_same_as_stock(bodies) -> None:
    stock, quick = stock_converter(), quick_converter()
    different = [body[:80] for body in bodies if quick.reset().convert(body) != stock.reset().convert(body)]
    assert different == []


def test_quick_inline_passes_give_the_stock_html():
    assert_same_as_stock(SAMPLES)
    # And every sample again inside a paragraph, a list item, emphasis and a link.
    assert_same_as_stock(f"Before {body} after" for body in SAMPLES)
    assert_same_as_stock(f"- *{body}*" for body in SAMPLES)
    assert_same_as_stock(f"[{body}](/x)" for body in SAMPLES)


def test_the_site_converter_uses_the_quick_passes():
    converter = markdown._converter()
    assert isinstance(converter.treeprocessors["inline"], shortcuts.QuickInlineProcessor)
    assert isinstance(converter.treeprocessors["smarty"], shortcuts.QuickSmartyProcessor)


def _patterns(converter):
    for treeprocessor in shortcuts._INLINE_PASSES:
        registry = converter.treeprocessors[treeprocessor].inlinePatterns
        for name in registry._data:
            yield name, registry[name]


def test_every_pattern_is_listed_with_the_text_it_needs():
    """A pattern added or renamed by an upgrade would be tried everywhere (slower, never wrong): say so here."""
    assert {name for name, _ in _patterns(quick_converter())} == set(shortcuts.PATTERN_NEEDS)


def test_every_block_processor_listed_is_there():
    """A block processor renamed by an upgrade would be asked about every block again: say so here."""
    processors = quick_converter().parser.blockprocessors
    assert [name for name in {**shortcuts.BLOCK_NEEDS, **shortcuts.BLOCK_RUN_NEEDS} if name not in processors] == []


def test_the_samples_make_every_pattern_match():
    """So that a wrong entry in PATTERN_NEEDS (a pattern skipped where it matches) changes some sample's HTML."""
    unmatched = [
        name
        for name, pattern in _patterns(quick_converter())
        if not any(pattern.getCompiledRegExp().search(sample) for sample in SAMPLES)
    ]
    assert unmatched == []


@pytest.mark.parametrize(
    "fragment",
    [
        "<p>one  two\tthree\u00a0four\u2003five</p>\n<p>\n  six \n</p>",
        '<h2>A</h2><ul><li>x<br>y</li></ul><a class="back-button" href="/">Button</a><p>&amp; &nbsp; end</p>',
        "<pre>keep\n\n  lines</pre><div>\u3000wide\u3000space\u3000</div>",
    ],
)
def test_html_to_text_matches_the_regular_expression_version(fragment):
    assert markdown.html_to_text(fragment) == stock_html_to_text(fragment)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "word " * 440,
        "snake_case x2 don't e-mail 3.14 __init__ ... ---",
        ("It's a short line.\n" * 300),
        "Café au lait " * 300,
        "日本語の文章です。" * 100 + " and English words " * 50,
    ],
)
def test_reading_minutes_matches_the_word_by_word_count(text):
    assert markdown.reading_minutes(text) == stock_reading_minutes(text)


@pytest.mark.corpus
def test_quick_render_gives_the_stock_html_for_the_whole_corpus(settings):
    if not CORPUS.is_dir():
        pytest.skip("corpus not present")
    bodies = []
    for source in importer.collect([CORPUS])[0]:
        try:
            parsed = jekyll.parse(source.path.read_bytes(), name=source.name, in_drafts=source.in_drafts)
        except jekyll.JekyllError:
            continue
        if parsed.body_format == "markdown":
            bodies.append(parsed.body)
    assert len(bodies) > 600
    stock, quick = stock_converter(), quick_converter()
    different = []
    for body in bodies:
        fragment = quick.reset().convert(body)
        if fragment != stock.reset().convert(body):
            different.append(body[:80])
        text = markdown.html_to_text(markdown.sanitise(fragment))
        assert text == stock_html_to_text(markdown.sanitise(fragment))
        assert markdown.reading_minutes(text) == stock_reading_minutes(text)
    assert different == []
