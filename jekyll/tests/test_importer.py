"""The importer (jekyll.importer) and its commands: folders, idempotency, atomicity, bad files, round trip."""

import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from accounts.models import Favourite, User
from blog.models import Post, TaggedPost
from jekyll import importer
from jekyll.tests.helpers import DEMO_POSTS, LONG_TITLE, MALFORMED, outcomes, post_file, snapshot, write

UTC = datetime.UTC

pytestmark = pytest.mark.django_db


# -- the seed and the demo posts -------------------------------------------------------------------------------


@pytest.mark.corpus
def test_seed_post_comes_out_whole(seed_path):
    report = importer.import_paths([seed_path])

    assert report.counts["created"] == 1, report.outcomes
    post = Post.objects.get()
    assert post.title == "When Connection Feels Far Away"
    assert post.slug == "when-connection-feels-far-away"
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at == datetime.datetime(2025, 5, 30, tzinfo=UTC)
    assert sorted(post.tags.names()) == ["Emotional Awareness", "Healing", "Loneliness", "Self-Compassion"]
    assert post.excerpt.startswith("There are seasons where closeness feels out of reach")
    assert post.description.startswith("Connection isn’t always present")
    assert "<blockquote>" in post.body_html
    assert "<li>What parts of me am I avoiding?</li>" in post.body_html
    assert "<em>What’s wrong with me?</em>" in post.body_html
    assert "<hr>" in post.body_html


@pytest.mark.corpus
def test_seed_playlist_button_works(seed_path):
    importer.import_paths([seed_path])
    html = Post.objects.get().body_html
    start = html.index("<a ")
    button = html[start : html.index(">", start) + 1]
    assert 'href="https://music.youtube.com/playlist?list=' in button
    assert 'class="back-button"' in button
    assert 'target="_blank"' in button
    assert 'rel="noopener noreferrer"' in button
    assert "style" not in button


@pytest.mark.slow
def test_demo_posts_import_and_reimport_changes_nothing():
    first = importer.import_paths([DEMO_POSTS])
    assert first.counts == {"created": 7, "updated": 0, "unchanged": 0, "draft": 0, "failed": 0}
    before = snapshot()

    again = importer.import_paths([DEMO_POSTS])

    assert again.counts == {"created": 0, "updated": 0, "unchanged": 7, "draft": 0, "failed": 0}
    assert again.summary() == "created 0, updated 0, unchanged 7, drafts 0, failed 0"
    assert snapshot() == before


@pytest.mark.slow
def test_demo_posts_are_in_the_seed_shape():
    importer.import_paths([DEMO_POSTS])
    posts = list(Post.objects.prefetch_related("tags"))
    assert len(posts) == 7
    assert {post.published_at.year for post in posts} == {2024, 2025}
    assert sum('class="back-button"' in post.body_html for post in posts) >= 3
    for post in posts:
        assert post.excerpt and post.description
        assert 250 <= len(post.body_text.split()) <= 500, post.slug
        assert "<blockquote>" in post.body_html and "<hr>" in post.body_html and "<em>" in post.body_html
        assert "<ul>" in post.body_html or "<ol>" in post.body_html
        assert "style=" not in post.body_html
    used = [tag.name for post in posts for tag in post.tags.all()]
    assert {"Rest", "Self-Compassion", "Boundaries", "Healing", "Grief", "Joy"} <= set(used)
    assert len(used) > len(set(used))  # tags shared between posts


def test_a_parser_failure_costs_one_file_not_the_import(tmp_path, monkeypatch):
    from jekyll import parse as jekyll

    write(tmp_path, "2024-05-01-fine.md", post_file(title="Fine"))
    write(tmp_path, "2024-05-02-trips-a-bug.md", post_file(title="Trips"))
    real_parse = jekyll.parse

    def parse(data, *, name, **kwargs):
        if "trips-a-bug" in name:
            raise IndexError("list index out of range")
        return real_parse(data, name=name, **kwargs)

    monkeypatch.setattr(jekyll, "parse", parse)
    report = importer.import_paths([tmp_path])
    found = outcomes(report)
    assert found["2024-05-01-fine.md"].outcome == importer.CREATED
    failed = found["2024-05-02-trips-a-bug.md"]
    assert failed.outcome == importer.FAILED and "IndexError" in failed.reason
    assert list(Post.objects.values_list("title", flat=True)) == ["Fine"]


def test_reimport_keeps_members_saved_pieces(tmp_path):
    path = write(tmp_path, "2024-05-01-a-gentle-start.md", post_file())
    importer.import_paths([path])
    post = Post.objects.get()
    member = User.objects.create_user(email="reader@example.org", password="long enough passphrase")
    Favourite.objects.create(user=member, post=post, post_title=post.title, note="Read on Sundays")

    importer.import_paths([path])
    write(tmp_path, "2024-05-01-a-gentle-start.md", post_file(title="A Gentler Start", tags="[Rest]"))
    report = importer.import_paths([path])

    assert report.counts["updated"] == 1
    favourite = Favourite.objects.get()
    assert (favourite.post_id, favourite.note) == (post.pk, "Read on Sundays")
    post.refresh_from_db()
    assert post.title == "A Gentler Start"
    assert list(post.tags.names()) == ["Rest"]
    assert Post.objects.count() == 1


def test_changed_file_updates_in_place(tmp_path):
    path = write(tmp_path, "2024-05-01-start.md", post_file(body="One."))
    importer.import_paths([path])
    pk = Post.objects.get().pk
    write(tmp_path, "2024-05-01-start.md", post_file(body="Two."))

    report = importer.import_paths([path])

    assert report.outcomes[0].outcome == "updated"
    post = Post.objects.get()
    assert (post.pk, post.body, post.body_html) == (pk, "Two.", "<p>Two.</p>")


def test_unchanged_import_writes_nothing(tmp_path):
    path = write(tmp_path, "2024-05-01-start.md", post_file())
    importer.import_paths([path])
    with CaptureQueriesContext(connection) as queries:
        report = importer.import_paths([path])
    assert report.outcomes[0].outcome == "unchanged"
    writes = [q["sql"] for q in queries if q["sql"].split(" ", 1)[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


def test_planner_statistics_are_refreshed_only_when_a_post_is_added(tmp_path, monkeypatch):
    """ANALYZE reads the tables again: worth it for new rows (drafts too), not for an import that adds none."""
    refreshes = []
    monkeypatch.setattr(importer, "refresh_planner_statistics", lambda **kwargs: refreshes.append(True))
    write(tmp_path, "2024-05-01-start.md", post_file())
    write(tmp_path, "2024-05-02-not-yet.md", post_file(title="Not yet", extra="published: false\n"))

    first = importer.import_paths([tmp_path])
    assert (first.counts["created"], first.counts["draft"], len(refreshes)) == (1, 1, 1)

    again = importer.import_paths([tmp_path])
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 1, "draft": 1, "failed": 0}
    write(tmp_path, "2024-05-02-not-yet.md", post_file(title="Not yet, revised", extra="published: false\n"))
    revised = importer.import_paths([tmp_path])
    assert [(item.outcome, item.change) for item in revised.outcomes] == [("unchanged",) * 2, ("draft", "updated")]
    assert len(refreshes) == 1

    write(tmp_path, "2024-05-03-also-not-yet.md", post_file(title="Also not yet", extra="published: false\n"))
    assert importer.import_paths([tmp_path]).counts["draft"] == 2
    assert len(refreshes) == 2  # a new draft is a new row


def test_tags_are_case_insensitive_across_posts(tmp_path):
    write(tmp_path, "2024-05-01-one.md", post_file(tags="[Healing]"))
    write(tmp_path, "2024-05-02-two.md", post_file(tags="[healing, HEALING, Rest]"))
    importer.import_paths([tmp_path])
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Healing", "Rest"]
    assert TaggedPost.objects.count() == 3


def test_post_url_links_to_the_other_imported_post(tmp_path):
    write(tmp_path, "_posts/2024-05-01-first.md", post_file(title="First"))
    write(
        tmp_path,
        "_posts/2024-05-02-second.md",
        post_file(title="Second", body="See [it]({% post_url 2024-05-01-first %})."),
    )
    importer.import_paths([tmp_path])
    second = Post.objects.get(slug="second")
    assert '<a href="/posts/first/"' in second.body_html


# -- reading folders -------------------------------------------------------------------------------------------


def test_jekyll_site_is_read_as_jekyll_reads_it(tmp_path):
    site = tmp_path / "site"
    write(site, "README.md", "# not a post")
    write(site, "about.md", post_file(title="About"))
    write(site, "_posts/2024-01-01-one.md", post_file(title="One"))
    write(site, "_posts/2024/2024-01-02-two.markdown", post_file(title="Two"))
    write(site, "_posts/.hidden.md", post_file(title="Hidden"))
    write(site, "_posts/_partial.md", post_file(title="Partial"))
    write(site, "_posts/2024-01-03-backup.md~", post_file(title="Backup"))
    write(site, "_posts/2013-03-19-not-a-post/dubious.markdown", post_file(title="Dubious"))
    write(site, "_posts/2024-01-04-three.text", post_file(title="Three"))
    write(site, "blog/_posts/2024-01-05-nested-site.md", post_file(title="Nested"))
    write(site, "_drafts/undated-draft.md", post_file(title="Undated Draft"))
    write(site, "_site/_posts/2024-01-06-built.md", post_file(title="Built"))
    write(site, ".git/_posts/2024-01-07-git.md", post_file(title="Git"))

    report = importer.import_paths([site])

    assert sorted(Path(item.name).name for item in report.outcomes) == [
        "2024-01-01-one.md",
        "2024-01-02-two.markdown",
        "2024-01-04-three.text",
        "2024-01-05-nested-site.md",
        "undated-draft.md",
    ]
    assert report.counts == {"created": 4, "updated": 0, "unchanged": 0, "draft": 1, "failed": 0}
    draft = Post.objects.get(title="Undated Draft")
    assert draft.status == Post.Status.DRAFT
    assert draft.legacy_url == ""


def test_posts_folder_alone_is_a_jekyll_folder(tmp_path):
    write(tmp_path, "_posts/2024-01-01-one.md", post_file())
    write(tmp_path, "_posts/notes.txt", "---\ntitle: Notes\ndate: 2024-02-02\n---\nnotes")
    report = importer.import_paths([tmp_path / "_posts"])
    assert report.counts["created"] == 2


def test_plain_folder_is_read_whole_but_only_post_extensions(tmp_path):
    write(tmp_path, "2024-01-01-one.md", post_file(title="One"))
    write(tmp_path, "deeper/2024-01-02-two.markdown", post_file(title="Two"))
    write(tmp_path, "2024-01-03-three.html", post_file(title="Three", body="<p>HTML <b>kept</b></p>"))
    write(tmp_path, "2024-01-04-four.txt", post_file(title="Four"))
    write(tmp_path, "image.png", b"\x89PNG")

    report = importer.import_paths([tmp_path])

    assert report.counts["created"] == 3
    html_post = Post.objects.get(title="Three")
    assert html_post.body_format == Post.Format.HTML
    assert html_post.body_html == "<p>HTML <b>kept</b></p>"


def test_a_file_named_directly_is_read_whatever_its_extension(tmp_path):
    path = write(tmp_path, "2024-01-04-four.txt", post_file(title="Four"))
    assert importer.import_paths([path]).counts["created"] == 1


def test_the_same_file_named_twice_is_read_once(tmp_path):
    path = write(tmp_path, "2024-01-04-four.md", post_file())
    report = importer.import_paths([path, tmp_path, str(path)])
    assert len(report.outcomes) == 1


def test_missing_path_fails_and_the_rest_import(tmp_path):
    path = write(tmp_path, "2024-01-04-four.md", post_file())
    report = importer.import_paths([tmp_path / "nope", path])
    assert [(item.outcome, item.reason) for item in report.outcomes] == [
        ("failed", "no such file or folder"),
        ("created", ""),
    ]


# -- the malformed-file suite (issue 5) ---------------------------------------------------------------------------


def test_malformed_files_each_get_their_stated_outcome_while_the_others_import(tmp_path):
    """One import of the whole suite (the 2 MB body makes each run take seconds): outcomes, reasons, counts."""
    for name, (data, _expected, _reason) in MALFORMED.items():
        write(tmp_path, name, data)

    report = importer.import_paths([tmp_path])

    by_name = outcomes(report)
    wrong = []
    for name, (_data, expected, reason) in MALFORMED.items():
        outcome = by_name[name]
        if outcome.outcome != expected or (reason and reason not in outcome.reason):
            wrong.append(f"{name}: expected {expected} ({reason}), got {outcome.line()}")
    assert wrong == []
    assert all(item.reason and Path(item.name).name in item.line() for item in report.failed)
    assert report.counts == {"created": 13, "updated": 0, "unchanged": 0, "draft": 1, "failed": 10}

    # What was imported was normalised.
    assert Post.objects.get(slug="missing-title").title == "Missing Title"
    assert Post.objects.get(slug="dated-name-no-date").published_at == datetime.datetime(2024, 2, 4, tzinfo=UTC)
    assert Post.objects.get(slug="zoned").published_at == datetime.datetime(2024, 2, 7, 4, 30, tzinfo=UTC)
    assert sorted(Post.objects.get(slug="tag-string").tags.names()) == ["paas", "phoenix"]
    assert sorted(Post.objects.get(slug="tag-dupes").tags.names()) == ["Joy", "Rest"]
    emoji = Post.objects.get(slug="emoji")
    assert (emoji.title, emoji.excerpt) == ("Ça va 🌱 日本", "✨ ok")
    assert sorted(emoji.tags.names()) == ["Ünïcode", "日本", "🌱"]
    assert Post.objects.get(slug="crlf").body == "Line 1\nLine 2"
    assert Post.objects.get(slug="bom").title == "BOM"
    assert len(Post.objects.get(slug="big").body) > 2_000_000
    assert Post.objects.get(slug="long-title").title == LONG_TITLE.strip()
    assert Post.objects.get(slug="draft").status == Post.Status.DRAFT
    assert Post.objects.get(slug="shared").title == "First claim"
    assert Post.objects.get(slug="shared-2024-02-22").title == "Third claim"
    assert "2024-02-17-same-slug.md" in by_name["2024-02-18-same-slug.md"].reason
    assert any("used the file-name date" in warning for warning in by_name["2024-02-21-bad-date-fallback.md"].warnings)
    # Nothing of the rejected files reached the database.
    assert Post.objects.count() == 14
