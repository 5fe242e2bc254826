"""The site renders exactly the HTML, text and counts that stock python-markdown and plain code give.

``blog.markdown_shortcuts`` runs python-markdown's inline passes with only the patterns that can match, and
``blog.markdown`` derives text and reading time with cheaper string methods. These tests compare each with
the stock way on fixed samples that make every pattern match, and on the whole corpus when ../shared holds it.
"""

import html
import math
import re
import unicodedata
from pathlib import Path

import markdown as python_markdown
import pytest

from blog import markdown
from blog.markdown_shortcuts import PATTERN_NEEDS
from blog.tests.samples import HOSTILE_MARKDOWN, PLAYLIST
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
    "Only _underscores_ here, __twice__ and ___thrice___",
    "Many * stars * and _ underscores _ and ** double ** and *unclosed and _unclosed",
    "Setext title\n============\n\nSecond title\n---\n\nText\n- - -\n\n* * *\n\n___\n\n-- not a rule --",
    "# Hash title #\n\n###### Six\n\n#not a title\n\nA # in text and C# too",
    "Term: not a definition\n\n: a colon at the start\n\na | b but no table\n\n> quote\nlazy line",
    "Text with a [ref]: that is not one\n\n[ref]: https://example.org\n\n*[ABBR]: An abbreviation\n\nABBR",
    "[tight]:https://example.org/t\n[^n]:A note\n*[HTML]:Hyper Text\n\n[tight] HTML[^n]",
    PLAYLIST,
    *HOSTILE_MARKDOWN,
]


def stock_converter() -> python_markdown.Markdown:
    """The converter as python-markdown builds it from the site's extensions, with none of the shortcuts."""
    return python_markdown.Markdown(
        extensions=[*markdown.EXTENSIONS, markdown.KramdownCompat()],
        extension_configs=markdown.EXTENSION_CONFIGS,
        output_format="html",
    )


# The plain versions of html_to_text and reading_minutes, the specification of what they return.
BUTTON_LINK = re.compile(r"<a\b[^>]*\bclass=\"[^\"]*\bback-button\b[^\"]*\"[^>]*>.*?</a>", re.S | re.I)
BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|pre|tr|div|dd|dt|figcaption)>|<br\s*/?>", re.I)
TAG = re.compile(r"<[^>]+>")


def stock_html_to_text(fragment: str) -> str:
    text = BUTTON_LINK.sub("", fragment)
    text = BLOCK_END.sub("\n", text)
    text = html.unescape(TAG.sub("", text))
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def stock_reading_minutes(text: str) -> int:
    words = wide = 0
    for word in re.findall(r"\w+", text):
        if any(unicodedata.east_asian_width(ch) in "WF" for ch in word):
            wide += len(word)
        else:
            words += 1
    return max(1, math.ceil(words / 220 + wide / 500))


def differences(bodies) -> list[str]:
    """The bodies (their start) for which the site's converter or render differs from stock python-markdown."""
    stock, site = stock_converter(), markdown.make_converter()
    different = []
    for body in bodies:
        expected = stock.reset().convert(body)
        if site.reset().convert(body) != expected or markdown.render(body) != markdown.sanitise(expected):
            different.append(body[:80])
    return different


def test_the_site_renders_the_stock_html():
    assert differences(SAMPLES) == []
    # And every sample again inside a paragraph, a list item, emphasis and a link.
    assert differences(f"Before {body} after" for body in SAMPLES) == []
    assert differences(f"- *{body}*" for body in SAMPLES) == []
    assert differences(f"[{body}](/x)" for body in SAMPLES) == []


def test_documents_rendered_one_after_another_match_stock():
    """Each document picks its own patterns: what one needed must not be missing from (or left to) the next."""
    stock = stock_converter()
    assert [markdown.render(body) for body in [*SAMPLES, *reversed(SAMPLES)]] == [
        markdown.sanitise(stock.reset().convert(body)) for body in [*SAMPLES, *reversed(SAMPLES)]
    ]


def inline_patterns(converter: python_markdown.Markdown) -> list:
    """The site's inline patterns: python-markdown's own and smarty's."""
    smarty = converter.treeprocessors["smarty"].patterns
    return [*converter.inlinePatterns, *smarty]


def test_every_inline_pattern_is_listed_with_the_text_it_needs():
    """A pattern added or renamed by an upgrade would be tried everywhere (slower, never wrong): say so here."""
    converter = markdown.make_converter()
    listed = [
        registry[name]
        for registry in (converter.inlinePatterns, converter.treeprocessors["smarty"].patterns)
        for name in PATTERN_NEEDS
        if name in registry
    ]
    assert len(listed) == len(inline_patterns(converter))


def test_the_samples_make_every_pattern_match():
    """So that a wrong entry in PATTERN_NEEDS (a pattern skipped where it matches) changes some sample's HTML."""
    unmatched = [
        pattern
        for pattern in inline_patterns(markdown.make_converter())
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
def test_the_site_renders_the_stock_html_for_the_whole_corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"no Jekyll corpus at {CORPUS} (../shared/corpus/jekyll, the 700 posts shared beside the clone)")
    bodies = []
    for source in importer.collect([CORPUS])[0]:
        try:
            parsed = jekyll.parse(source.path.read_bytes(), name=source.name, in_drafts=source.in_drafts)
        except jekyll.JekyllError:
            continue
        if parsed.body_format == "markdown":
            bodies.append(parsed.body)
    assert len(bodies) > 600
    assert differences(bodies) == []
    for body in bodies:
        rendered = markdown.render_post(body)
        assert rendered.text == stock_html_to_text(rendered.html)
        assert rendered.reading_minutes == stock_reading_minutes(rendered.text)
