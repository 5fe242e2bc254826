"""Reading one Jekyll file (jekyll.parse): every front-matter and body form listed in the corpus README."""

import datetime

import pytest

from blog.models import Post
from jekyll import parse as jekyll
from jekyll.front_matter import MAX_FILE_BYTES
from jekyll.site import Site

UTC = datetime.UTC


def doc(front: str, body: str = "Body text.") -> bytes:
    return f"---\n{front.strip()}\n---\n\n{body}\n".encode()


def parse(front: str, body: str = "Body text.", name: str = "2024-03-05-a-post.md", **kwargs) -> jekyll.ParsedPost:
    return jekyll.parse(doc(front, body), name=name, **kwargs)


def reason(data: bytes, name: str = "2024-03-05-a-post.md") -> str:
    with pytest.raises(jekyll.JekyllError) as error:
        jekyll.parse(data, name=name)
    return str(error.value)


# -- bytes and delimiters --------------------------------------------------------------------------------------


def test_utf8_bom_is_dropped_and_crlf_normalised():
    data = b"\xef\xbb\xbf---\r\ntitle: Caf\xc3\xa9\r\n---\r\n\r\nLine one\r\nLine two\r\n"
    post = jekyll.parse(data, name="2024-01-01-cafe.md")
    assert post.title == "Café"
    assert post.body == "Line one\nLine two"


def test_latin1_file_is_rejected_naming_the_byte_offset():
    data = "---\ntitle: Caf\u00e9\n---\nBody".encode("latin-1")
    assert reason(data) == ("not UTF-8: byte 0xe9 at offset 14 (line 2); save the file as UTF-8 and import it again")


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_empty_file_is_rejected(data):
    assert reason(data) == "empty file"


def test_nul_bytes_are_rejected():
    assert "NUL" in reason(b"---\ntitle: x\n---\nbin\x00ary")


def test_oversized_file_is_rejected():
    data = doc("title: Big", "x" * (MAX_FILE_BYTES + 1))
    assert "the limit is" in reason(data)


def test_no_front_matter_is_not_a_post():
    assert reason(b"No YAML.") == "no front matter: a Jekyll post starts with a '---' line"


def test_unclosed_front_matter_is_rejected():
    assert "never closed" in reason(b"---\ntitle: Open\n\nBody without a closer\n")


def test_invalid_yaml_names_the_line():
    message = reason(b"---\ntitle: fine\ntags: [unclosed\n---\nBody\n")
    assert message.startswith("invalid YAML in front matter at line")


@pytest.mark.parametrize("front", ["- a\n- list", "just a string", "42"])
def test_front_matter_must_be_a_mapping(front):
    assert "must be a mapping" in reason(doc(front))


def test_opening_delimiter_may_have_trailing_spaces():
    post = jekyll.parse(b"---  \nextra: spaces\n---\n\nBest **post** ever\n", name="2015-12-27-extra-spaces.markdown")
    assert post.body == "Best **post** ever"
    assert post.title == "Extra Spaces"


def test_dots_close_the_front_matter():
    post = jekyll.parse(b"---\ntitle: Ends in Dots\n...\n\n# Test\n", name="2014-03-03-yaml-with-dots.md")
    assert post.title == "Ends in Dots"
    assert post.body == "# Test"


def test_triple_dash_inside_a_title_does_not_close_the_block():
    post = parse("title: Foo --- Bar")
    assert post.title == "Foo --- Bar"


def test_blank_lines_inside_the_block():
    post = parse("title: Spaced\n\n\ntags: [a]\n\n")
    assert (post.title, post.tags) == ("Spaced", ("a",))


def test_empty_front_matter_uses_the_file_name():
    post = jekyll.parse(b"---\n---\nEmpty YAML.", name="2009-06-22-empty-yaml.markdown")
    assert post.title == "Empty Yaml"
    assert post.published_at == datetime.datetime(2009, 6, 22, tzinfo=UTC)
    assert post.body == "Empty YAML."


# -- title ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "title"),
    [
        ('title: "Double: quoted"', "Double: quoted"),
        ("title: 'Single ''quoted'''", "Single 'quoted'"),
        ("title: Plain title", "Plain title"),
        ("title: A plain title\n  that wraps", "A plain title that wraps"),
        ("title: Über café – 日本語 🌱", "Über café – 日本語 🌱"),
        ('title: "Non&nbsp;breaking"', "Non breaking"),
        ('title: "A <span class=\\"x\\">marked</span> title"', "A marked title"),
        ("title: Has *emphasis* inside", "Has *emphasis* inside"),
        ("title: 2013", "2013"),
    ],
)
def test_title_forms(front, title):
    assert parse(front).title == title


def test_missing_title_comes_from_the_file_name_with_a_warning():
    post = parse("tags: [a]", name="2009-09-05-edge-case-no-yaml-title.md")
    assert post.title == "Edge Case No Yaml Title"
    assert any("no title" in warning for warning in post.warnings)


def test_non_ascii_file_name_gives_title_and_slug():
    post = jekyll.parse(b"---\nlayout: nil\n---\n<p>x</p>", name="2016-04-01-\u9519\u8bef.html")
    assert (post.title, post.slug) == ("错误", "错误")


def test_long_titles_are_kept_up_to_the_field_length_and_cut_beyond_it():
    title_496 = ("word " * 100)[:496].strip()
    assert parse(f"title: {title_496}").title == title_496
    long = parse(f"title: {'long ' * 200}")
    assert len(long.title) <= Post._meta.get_field("title").max_length
    assert long.title.endswith("…")
    assert "title cut" in " ".join(long.warnings)


# -- dates ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("date: 2024-07-01 09:00:00", datetime.datetime(2024, 7, 1, 9, tzinfo=UTC)),
        ("date: 2016-1-05 9:00:00", datetime.datetime(2016, 1, 5, 9, tzinfo=UTC)),
        ("date: 2016-1-29", datetime.datetime(2016, 1, 29, tzinfo=UTC)),
        ("date: 2019-08-20 10:00:00 -0500", datetime.datetime(2019, 8, 20, 15, tzinfo=UTC)),
        ('date: "2019-08-20 10:00:00 +0200"', datetime.datetime(2019, 8, 20, 8, tzinfo=UTC)),
        ("date: 2010-01-10 13:07:09 +00:00", datetime.datetime(2010, 1, 10, 13, 7, 9, tzinfo=UTC)),
        ("date: 2010-01-10T13:07:09Z", datetime.datetime(2010, 1, 10, 13, 7, 9, tzinfo=UTC)),
        ("date: 2010-01-10", datetime.datetime(2010, 1, 10, tzinfo=UTC)),
        ("date: 2020-02-29 23:59:59.250", datetime.datetime(2020, 2, 29, 23, 59, 59, 250000, tzinfo=UTC)),
        ("date: 9999-12-31", datetime.datetime(9999, 12, 31, tzinfo=UTC)),
    ],
)
def test_front_matter_date_forms(front, expected):
    assert parse(f"title: T\n{front}").published_at == expected


def test_naive_dates_are_read_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    post = parse('title: T\ndate: "2024-07-01 09:00:00"')
    assert post.published_at == datetime.datetime(2024, 7, 1, 13, tzinfo=UTC)
    from_name = parse("title: T", name="2024-01-15-winter.md")
    assert from_name.published_at == datetime.datetime(2024, 1, 15, 5, tzinfo=UTC)
    # The site's own timezone: setting wins over this site's TIME_ZONE.
    in_tokyo = parse("title: T", name="2024-01-15-winter.md", site=Site(timezone="Asia/Tokyo"))
    assert in_tokyo.published_at == datetime.datetime(2024, 1, 14, 15, tzinfo=UTC)


def test_an_unquoted_yaml_date_time_without_a_zone_is_utc_as_jekyll_reads_it(settings):
    """Ruby's YAML gives Jekyll such a value as a UTC time (its URL's date is that moment in the site's zone)."""
    settings.TIME_ZONE = "America/New_York"
    post = parse("title: T\ndate: 2024-07-01 02:00:00", site=Site(timezone="America/Los_Angeles"))
    assert post.published_at == datetime.datetime(2024, 7, 1, 2, tzinfo=UTC)
    assert post.legacy_url == "/2024/06/30/a-post.html"


def test_explicit_offset_wins_over_the_site_time_zone(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    assert parse("title: T\ndate: 2019-08-20 10:00:00 -0500").published_at == datetime.datetime(
        2019, 8, 20, 15, tzinfo=UTC
    )


def test_file_name_date_with_one_digit_month_and_day():
    post = jekyll.parse(b"---\n---\nZeros.", name="2017-2-5-i-dont-like-zeroes.md")
    assert post.published_at == datetime.datetime(2017, 2, 5, tzinfo=UTC)
    assert post.slug == "i-dont-like-zeroes"


def test_front_matter_date_overrides_the_file_name():
    post = parse("title: T\ndate: 2010-01-10", name="2010-01-09-date-override.markdown")
    assert post.published_at.date() == datetime.date(2010, 1, 10)


def test_malformed_date_falls_back_to_the_file_name_with_a_warning():
    post = parse('title: T\ndate: "2023-01-29 18:30:22 2023 -0800"', name="2023-01-29-jekyll-3-9-3-released.md")
    assert post.published_at == datetime.datetime(2023, 1, 29, tzinfo=UTC)
    assert any("used the file-name date" in warning for warning in post.warnings)


@pytest.mark.parametrize("key", ["last_modified_at", "modified", "modified_date", "updated"])
def test_revision_date_is_read_from_the_themes_keys(key):
    post = parse(f"title: T\ndate: 2020-01-01\n{key}: 2021-03-04 05:06:07 +0000")
    assert post.revised_at == datetime.datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)


def test_unreadable_revision_date_is_only_a_warning():
    post = parse("title: T\ndate: 2020-01-01\nlast_modified_at: sometime")
    assert post.revised_at is None
    assert any("'last_modified_at' ignored" in warning for warning in post.warnings)
    assert parse("title: T\ndate: 2020-01-01").revised_at is None


def test_malformed_date_without_a_dated_file_name_is_rejected():
    message = reason(doc("title: T\ndate: next tuesday"), name="undated.md")
    assert message == "front matter date 'next tuesday' not understood, and the file name gives no date"


@pytest.mark.parametrize("date", ["2019-02-30", "2021-13-01", "2021-04-31 10:00:00", "2021-01-01 25:00:00"])
def test_impossible_front_matter_dates_are_rejected(date):
    assert reason(doc(f"title: T\ndate: {date}")).startswith(f"front matter has an impossible date '{date}'")


def test_impossible_file_name_date_is_rejected():
    assert reason(doc("title: T"), name="2019-02-30-no-such-day.md").startswith("file name has an impossible date")


def test_no_date_at_all_is_rejected():
    assert reason(doc("title: T"), name="about.md") == (
        "no date: neither a 'date:' in the front matter nor a YYYY-MM-DD- file name"
    )


def test_undated_draft_takes_the_fallback_date():
    moment = datetime.datetime(2024, 6, 1, 12, tzinfo=UTC)
    post = jekyll.parse(doc("title: Draft"), name="_drafts/post-draft.md", in_drafts=True, fallback_date=moment)
    assert post.published_at == moment
    assert post.is_draft
    assert post.status == Post.Status.DRAFT


def test_timestamps_near_the_end_of_time_do_not_crash():
    assert "impossible" in reason(doc("title: T\ndate: 9999-12-31 23:00:00 -0500"))


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
