"""Rendering and sanitising (blog.markdown): what writers rely on works, and nothing hostile survives."""

import pytest

from blog import markdown
from blog.tests.htmlcheck import dangerous_parts
from blog.tests.samples import HOSTILE_MARKDOWN, PLAYLIST


def test_playlist_button_keeps_link_class_and_new_tab_and_loses_its_style():
    html = markdown.render(PLAYLIST)
    assert html.startswith(
        '<p><a href="https://example.org/playlist?list=abc&amp;si=1" target="_blank" class="back-button" '
        'rel="noopener noreferrer">'
    )
    assert "Evening Playlist →" in html
    assert "style" not in html


@pytest.mark.parametrize("target", ["_self", "_top", "frame", "javascript:alert(1)"])
def test_only_blank_targets_survive(target):
    html = markdown.render(f'<a href="https://example.org/" target="{target}">x</a>')
    assert "target" not in html


def test_tables_keep_their_column_alignment():
    html = markdown.render("| Feeling | Need |\n|---|:-:|\n| tired | rest |\n")
    assert "<table>" in html and "<th>Feeling</th>" in html
    assert '<th align="center">Need</th>' in html and '<td align="center">rest</td>' in html


def test_fenced_code_keeps_its_language_class():
    html = markdown.render("```python\nprint('<b>')\n```")
    assert html == "<pre><code class=\"language-python\">print('&lt;b&gt;')\n</code></pre>"


def test_footnotes():
    html = markdown.render("A claim.[^1]\n\n[^1]: The source.")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1"' in html
    assert '<div class="footnote">' in html and "The source." in html


def test_attribute_lists_add_classes():
    assert markdown.render("Remember this.\n{: .notice}") == '<p class="notice">Remember this.</p>'
    assert 'class="center"' in markdown.render("![a calm lake](/img/lake.jpg){:.center}")


def test_markdown_inside_html_blocks():
    html = markdown.render('<div class="callout" markdown="1">\nA *soft* note.\n</div>')
    assert html == '<div class="callout">\n<p>A <em>soft</em> note.</p>\n</div>'


def test_typographic_quotes_and_dashes():
    assert markdown.render('"Rest," she said -- and it\'s fine...') == "<p>“Rest,” she said – and it’s fine…</p>"


def test_table_of_contents():
    html = markdown.render("[TOC]\n\n## Breathing\n\ntext\n\n## Resting\n\ntext")
    assert '<div class="toc">' in html
    assert '<a href="#breathing" rel="noopener noreferrer">Breathing</a>' in html
    assert '<h2 id="breathing">Breathing</h2>' in html


def test_images_load_lazily_and_keep_alt_text():
    html = markdown.render("![A quiet room](https://example.org/room.jpg)")
    assert 'alt="A quiet room"' in html and 'loading="lazy"' in html and 'src="https://example.org/room.jpg"' in html


def test_images_always_get_their_attributes_in_one_order():
    """nh3 adds them in a random order call by call; stored HTML must not change when nothing did."""
    htmls = {markdown.render('![a](/a.png "t") and <img src="/b.png" alt="x > y" width="3">') for _ in range(50)}
    assert htmls == {
        '<p><img alt="a" src="/a.png" title="t" loading="lazy" decoding="async"> and '
        '<img src="/b.png" alt="x &gt; y" width="3" loading="lazy" decoding="async"></p>'
    }


def test_blockquote_list_emphasis_rule():
    html = markdown.render("> held\n\n- one\n- two\n\n*soft* **strong**\n\n---\n")
    assert "<blockquote>" in html and "<li>one</li>" in html
    assert "<em>soft</em>" in html and "<strong>strong</strong>" in html and "<hr>" in html


def test_html_posts_are_sanitised_as_written():
    assert markdown.render("<p>Hi <script>x()</script><b>there</b></p>", is_html=True) == "<p>Hi <b>there</b></p>"


def test_plain_text_excerpt_and_reading_time():
    html = markdown.render("# Title\n\nFirst &amp; *real* paragraph.\n\nSecond.")
    assert markdown.first_paragraph(html) == "First & real paragraph."
    assert markdown.html_to_text(html) == "Title\nFirst & real paragraph.\nSecond."
    assert markdown.reading_minutes("word " * 440) == 2
    assert markdown.reading_minutes("") == 1


def test_render_post_derives_what_post_render_keeps():
    rendered = markdown.render_post("# Title\n\nFirst *real* paragraph.\n\nSecond.")
    assert rendered.html == markdown.render("# Title\n\nFirst *real* paragraph.\n\nSecond.")
    assert rendered.text == "Title\nFirst real paragraph.\nSecond."
    assert rendered.first_paragraph == "First real paragraph."
    assert rendered.reading_minutes == 1
    assert markdown.render_posts([("<b>x</b>", True)]) == [markdown.render_post("<b>x</b>", is_html=True)]


def test_the_hostile_table_is_big_enough():
    assert len(HOSTILE_MARKDOWN) >= 30


@pytest.mark.parametrize("snippet", HOSTILE_MARKDOWN)
def test_nothing_hostile_survives(snippet):
    html = markdown.render(f"Before.\n\n{snippet}\n\nAfter.")
    assert dangerous_parts(html) == [], html
    assert "<script" not in html.lower()
    assert "After." in html  # the rest of the post still renders


@pytest.mark.parametrize("snippet", HOSTILE_MARKDOWN)
def test_nothing_hostile_survives_in_html_posts(snippet):
    html = markdown.render(snippet, is_html=True)
    assert dangerous_parts(html) == [], html
    assert "<script" not in html.lower()
