"""Reading one Jekyll file (jekyll.parse): slugs, tags and categories, other keys and Liquid."""

import datetime

import pytest

from blog.models import Post
from jekyll import parse as jekyll
from jekyll.tests.parsing import doc, parse

UTC = datetime.UTC

# -- slug -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("2014-03-22-escape-+ %20[].markdown", "escape-20"),
        ("2016-11-26-special-chars-(+).markdown", "special-chars"),
        ("2009-03-12-hash-#1.markdown", "hash-1"),
        ("2018-10-12-trailing-dots...markdown", "trailing-dots"),
        ("2018-12-28-2018-optech-annual_report.md", "2018-optech-annual_report"),
        ("2024-01-01-Mixed-Case.md", "Mixed-Case"),
    ],
)
def test_slug_from_the_file_name(name, slug):
    assert parse("title: T", name=name).slug == slug


def test_front_matter_slug_overrides_the_file_name():
    post = parse(
        "title: T\nslug: 2019-10-21-schnorr-taproot-workshop-ja", name="2019-10-29-schnorr-taproot-workshop.md"
    )
    assert post.slug == "2019-10-21-schnorr-taproot-workshop-ja"


def test_undated_file_name_takes_the_slug_from_the_title():
    post = parse("title: When Connection Feels Far Away\ndate: 2025-05-30", name="000_a2c7359f646ef816.txt")
    assert post.slug == "when-connection-feels-far-away"


def test_emoji_slugs_are_spelled_out():
    post = parse("title: 🌱🌱\ndate: 2024-01-01\nslug: 🌸", name="🌼.md")
    assert post.slug == "cherry-blossom"


def test_slug_is_never_empty():
    post = parse("title: '!!!'\ndate: 2024-01-01\nslug: '---'", name="!!!.md")
    assert post.slug.startswith("post-")
    assert any("slug" in warning for warning in post.warnings)


# -- tags and categories ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "tags"),
    [
        ("tags: [Rest, Joy]", ("Rest", "Joy")),
        ("tags:\n  - Rest\n  - Joy", ("Rest", "Joy")),
        ("tags: paas phoenix", ("paas", "phoenix")),
        ("tags:", ()),
        ("tag: Single Tag", ("Single Tag",)),
        ("category: Elixir in Production", ("Elixir in Production",)),
        ("category: 2013", ("2013",)),
        ("category:", ()),
        ("categories:\n  - release\n  - news", ("release", "news")),
        ("categories: [release]", ("release",)),
        ("categories: foo bar baz", ("foo", "bar", "baz")),
        ("categories:", ()),
        ("tags: [Healing, healing, ' HEALING ', Rest]", ("Healing", "Rest")),
        ("tags: [Rest, null, 3.0, true]", ("Rest", "3.0", "true")),
        ("tags: [Grief]\ncategories: [grief, Essays]", ("Grief", "Essays")),
        ("tags: [Ünïcode, 日本, 🌱 Growth]", ("Ünïcode", "日本", "🌱 Growth")),
    ],
)
def test_tag_and_category_forms(front, tags):
    assert parse(f"title: T\n{front}").tags == tags


def test_tags_without_a_usable_slug_are_dropped_with_a_warning():
    post = parse("title: T\ntags: [🌱, Rest, '!!!', '---']")
    assert post.tags == ("🌱", "Rest")
    assert sum("dropped" in warning for warning in post.warnings) == 2


def test_very_long_tags_are_cut_to_the_tag_field_length():
    assert parse(f"title: T\ntags: [{'x' * 300}]").tags == ("x" * 100,)


# -- other keys -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("front", "is_draft"), [("published: false", True), ("published: true", False), ("", False)])
def test_published_false_makes_a_draft(front, is_draft):
    assert parse(f"title: T\n{front}").is_draft is is_draft


def test_excerpt_and_description_forms():
    post = parse('title: T\nexcerpt: >\n  A folded\n  excerpt.\ndescription: "Quoted &amp; <em>plain</em>"')
    assert post.excerpt == "A folded excerpt."
    assert post.description == "Quoted & plain"


def test_excerpt_separator_takes_the_text_before_it():
    post = parse('title: T\nexcerpt_separator: "<!--more-->"', body="First *part*.\n\n<!--more-->\n\nThe rest.")
    assert post.excerpt == "First part."


def test_ignored_keys_of_every_shape_do_not_get_in_the_way():
    front = """
title: T
author: [a, b]
authors:
  - Jane Doe
layout: ~
header:
  overlay_image: /x.png
  teaser: /y.png
image: {path: /z.png}
last_modified_at: 2016-03-09T20:02:41-05:00
redirect_from:
  - /old/
version: 3.0
comments: true
"""
    post = parse(front)
    assert post.title == "T"
    assert post.tags == ()


def test_permalink_becomes_the_legacy_url():
    assert parse("title: T\npermalink: /en/newsletters/2025/01/03/").legacy_url == "/en/newsletters/2025/01/03/"
    assert parse("title: T\npermalink: my_category/permalinked-post").legacy_url == "/my_category/permalinked-post"
    assert parse("title: T\npermalink: /%E9%94%99%E8%AF%AF/").legacy_url == "/错误/"
    assert parse("title: T\npermalink: /%2e%2e/%2e%2e/baddie.html").legacy_url == "/baddie.html"


def test_default_legacy_url_is_jekylls_dated_form_with_categories():
    assert parse("title: T").legacy_url == "/2024/03/05/a-post.html"
    assert parse("title: T\ncategories: [Release, news]").legacy_url == "/release/news/2024/03/05/a-post.html"
    assert parse("title: T\npublished: false").legacy_url == ""


def test_html_files_are_kept_as_html():
    post = jekyll.parse(doc("title: T", "<p>Hello</p>"), name="2016-04-01-page.html")
    assert post.body_format == Post.Format.HTML
    assert parse("title: T").body_format == Post.Format.MARKDOWN


def test_unknown_extension_is_read_as_markdown_with_a_warning():
    post = jekyll.parse(doc("title: T"), name="2008-02-03-wrong-extension.yml")
    assert post.body_format == Post.Format.MARKDOWN
    assert any("not a Markdown extension" in warning for warning in post.warnings)


def test_empty_body_is_allowed():
    assert jekyll.parse(b"---\ntitle: Nothing\n---\n", name="2009-08-06-no-body.md").body == ""


def test_two_megabyte_body_is_read():
    body = ("A calm sentence about rest. " * 40 + "\n\n") * 1800
    assert len(body.encode()) > 2_000_000
    assert len(parse("title: Big", body=body).body) == len(body.strip())


# -- Liquid -----------------------------------------------------------------------------------------------------


def liquid(body: str, is_html: bool = False) -> tuple[str, list[str]]:
    warnings: list[str] = []
    return jekyll.convert_liquid(body, name="x.md", is_html=is_html, warnings=warnings), warnings


def test_text_that_looks_like_a_raw_placeholder_is_kept():
    # Private-use characters around a number once crashed the import of the whole folder (IndexError).
    text, _ = liquid("odd \ue0000\ue001 and \ue0007\ue001 {% raw %}{{ kept }}{% endraw %}")
    assert text == "odd \ue0000\ue001 and \ue0007\ue001 {{ kept }}"


def test_highlight_becomes_fenced_code():
    text, warnings = liquid("Before\n{% highlight ruby linenos %}\ndef foo\n  puts 'x'\nend\n{% endhighlight %}\nAfter")
    assert "```ruby\ndef foo\n  puts 'x'\nend\n```" in text
    assert warnings == []


def test_highlight_containing_backticks_gets_a_longer_fence():
    text, _ = liquid("{% highlight markdown %}\n```js\nx\n```\n{% endhighlight %}")
    assert "````markdown\n```js\nx\n```\n````" in text


def test_highlight_in_an_html_post_becomes_escaped_pre_code():
    text, _ = liquid("{% highlight html %}<b>x</b>{% endhighlight %}", is_html=True)
    assert text == '<pre><code class="language-html">&lt;b&gt;x&lt;/b&gt;</code></pre>'


def test_raw_content_is_kept_literally():
    text, warnings = liquid("Use {% raw %}{{ page.title }}{% endraw %} and {%- raw -%}{% if x %}{%- endraw -%}.")
    assert text == "Use {{ page.title }} and {% if x %}."
    assert warnings == []


def test_raw_inside_raw():
    text, warnings = liquid("{% raw %}{% raw %}{% endraw %} works")
    assert text == "{% raw %} works"
    assert warnings == []


def test_site_urls_become_site_relative():
    text, warnings = liquid("![a]({{ site.baseurl }}/img/a.png) [b]({{site.url}}{{ site.baseurl }}/b/)")
    assert text == "![a](/img/a.png) [b](/b/)"
    assert warnings == []


def test_url_filters_on_literals_keep_the_path():
    text, _ = liquid("[x]({{ \"/docs/assets/\" | relative_url }}) [y]({{ '/a/' | absolute_url }})")
    assert text == "[x](/docs/assets/) [y](/a/)"


def test_post_url_and_link_point_at_the_imported_post():
    text, warnings = liquid(
        "[a]({% post_url 2010-07-21-the-first %}) [b]({% post_url /es/2008-11-21-nested %}) "
        "[c]({% link _posts/2016-07-26-a-link.md %})"
    )
    assert text == "[a](/posts/the-first/) [b](/posts/nested/) [c](/posts/a-link/)"
    assert warnings == []


def test_link_to_something_other_than_a_post_is_left_with_a_warning():
    text, warnings = liquid("[h]({% link _docs/history.md %})")
    assert text == "[h]({% link _docs/history.md %})"
    assert warnings == ["x.md: Liquid left as text: {% link _docs/history.md %}"]


def test_kramdown_toc_becomes_the_toc_marker():
    text, _ = liquid("* TOC\n{:toc}\n\n## One")
    assert text == "[TOC]\n\n## One"
    text, _ = liquid("* this list is replaced\n{: toc}")
    assert text == "[TOC]"


def test_comments_disappear():
    text, warnings = liquid("a{% comment %} hidden {% endcomment %}b")
    assert (text, warnings) == ("ab", [])


def test_other_liquid_stays_as_text_and_warns_naming_the_file():
    body = "{% include references.md %}\n{% assign x = 1 %}\n{{ page.date | date_to_string }}\n{% gist 123 %}"
    text, warnings = liquid(body)
    assert text == body
    assert warnings == [
        "x.md: Liquid left as text: {% include references.md %}, {% assign x = 1 %}, "
        "{{ page.date | date_to_string }} and 1 more"
    ]


def test_elixir_tuples_and_kramdown_attributes_are_not_liquid():
    body = '```elixir\n{:ok, pid} = start()\n```\n\n![x](/a.png){:width="100%"}\n\nText\n{: .notice}'
    text, warnings = liquid(body)
    assert (text, warnings) == (body, [])


def test_parse_reports_liquid_warnings_with_the_file_name():
    post = parse("title: T", body="{% include note.html %}", name="posts/2024-01-01-n.md")
    assert post.warnings == ("posts/2024-01-01-n.md: Liquid left as text: {% include note.html %}",)
