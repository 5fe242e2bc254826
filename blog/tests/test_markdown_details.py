"""Markdown details that make imported posts read as their writers meant them."""

from blog.markdown import render


def test_a_list_may_start_right_under_a_paragraph_line():
    html = render("Ask yourself:\n- what do I need?\n- who can I call?\n")
    assert "<p>Ask yourself:</p>\n<ul>\n<li>what do I need?</li>\n<li>who can I call?</li>\n</ul>" in html


def test_only_an_ordered_list_starting_at_one_interrupts_a_paragraph():
    html = render("It was 2024. A year.\n1. first\n2. second\n")
    assert "<ol>" in html and "<li>first</li>" in html
    assert "<ol" not in render("We met at\n2. the river\n")


def test_fenced_code_is_left_alone():
    html = render("```\nconfig:\n- item\n```\n")
    assert "<ul>" not in html and "- item" in html


def test_a_link_button_is_neither_the_excerpt_nor_searchable_text():
    from blog.markdown import first_paragraph, html_to_text

    html = render(
        '<a href="https://example.org/list" target="_blank" class="back-button">Playlist →</a>\n\n'
        "The first real paragraph.\n"
    )
    assert first_paragraph(html) == "The first real paragraph."
    assert html_to_text(html) == "The first real paragraph."
    assert 'class="back-button"' in html


def test_one_document_leaves_nothing_behind_for_the_next():
    """The converter is reused; footnotes, abbreviations and heading ids must not leak between posts."""
    first = render("Text[^1] with HTML.\n\n[^1]: A note.\n\n*[HTML]: Hyper Text\n\n## Same heading\n")
    second = render("Plain HTML.\n\n## Same heading\n")
    assert "footnote" in first and "<abbr" in first
    assert "footnote" not in second and "<abbr" not in second
    assert 'id="same-heading"' in second
