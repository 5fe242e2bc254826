"""Reading one Jekyll file (jekyll.parse): bytes and delimiters, titles and dates."""

import datetime

import pytest

from blog.models import Post
from jekyll import parse as jekyll
from jekyll.front_matter import MAX_FILE_BYTES
from jekyll.site import Site
from jekyll.tests.parsing import doc, parse, reason

UTC = datetime.UTC

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
