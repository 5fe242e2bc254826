"""The importer (jekyll.importer) and its commands: folders, idempotency, atomicity, bad files, round trip."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from accounts.models import Favourite, User
from blog import caching
from blog.models import Post, TaggedPost
from jekyll import exporter, importer, reading
from jekyll.tests.helpers import DEMO_POSTS, LONG_TITLE, MALFORMED, SEED, outcomes, post_file, write

UTC = datetime.UTC

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    """Every post with its tags, for comparing the database before and after."""
    rows = []
    for post in Post.objects.order_by("slug").prefetch_related("tags"):
        tags = tuple(sorted(tag.name for tag in post.tags.all()))
        rows.append((post.pk, post.slug, post.title, post.body, post.status, post.published_at, tags, post.updated_at))
    return rows


# -- the seed and the demo posts -------------------------------------------------------------------------------


@pytest.fixture
def seed_path():
    if not SEED.exists():
        pytest.skip(f"{SEED} is missing: these tests read the seed post from ../shared beside the clone")
    return SEED


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


def test_demo_posts_import_and_reimport_changes_nothing():
    first = importer.import_paths([DEMO_POSTS])
    assert first.counts == {"created": 7, "updated": 0, "unchanged": 0, "draft": 0, "failed": 0}
    before = snapshot()

    again = importer.import_paths([DEMO_POSTS])

    assert again.counts == {"created": 0, "updated": 0, "unchanged": 7, "draft": 0, "failed": 0}
    assert again.summary() == "created 0, updated 0, unchanged 7, drafts 0, failed 0"
    assert snapshot() == before


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
    monkeypatch.setattr(importer, "refresh_planner_statistics", lambda: refreshes.append(True))
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


# -- atomicity ---------------------------------------------------------------------------------------------------


def test_a_file_that_fails_while_saving_leaves_nothing(tmp_path, monkeypatch):
    path = write(tmp_path, "2024-01-01-half.md", post_file(tags="[Rest, Joy]"))

    def broken_bulk_create(rows, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(TaggedPost.objects, "bulk_create", broken_bulk_create)
    report = importer.import_paths([path])

    assert report.outcomes[0].outcome == "failed"
    assert report.outcomes[0].reason == "not saved: RuntimeError: disk full"
    assert Post.objects.count() == 0
    assert TaggedPost.objects.count() == 0


def _five_files(folder: Path) -> list[Path]:
    return [
        write(folder, f"2024-03-0{n}-post-{n}.md", post_file(title=f"Post {n}", tags="[Rest]")) for n in range(1, 6)
    ]


def _break_third_save(monkeypatch, error: BaseException):
    """Make the tag writing of the third post (after its row is saved) raise ``error``."""
    real_bulk_create = TaggedPost.objects.bulk_create

    def flaky_bulk_create(rows, **kwargs):
        rows = list(rows)
        if any(row.content_object.slug == "post-3" for row in rows):
            raise error
        return real_bulk_create(rows, **kwargs)

    monkeypatch.setattr(TaggedPost.objects, "bulk_create", flaky_bulk_create)


def _whole(slug: str) -> bool:
    post = Post.objects.filter(slug=slug).first()
    return bool(post and post.body_html and list(post.tags.names()) == ["Rest"])


def test_an_error_midway_leaves_the_files_before_it_whole(tmp_path, monkeypatch):
    _five_files(tmp_path)
    _break_third_save(monkeypatch, RuntimeError("simulated crash"))

    report = importer.import_paths([tmp_path])

    assert [item.outcome for item in report.outcomes] == ["created", "created", "failed", "created", "created"]
    assert _whole("post-1") and _whole("post-2") and _whole("post-4") and _whole("post-5")
    assert not Post.objects.filter(slug="post-3").exists()


def test_an_import_interrupted_midway_simulated(tmp_path, monkeypatch):
    """Ctrl-C (or the process dying) while writing the 3rd file, in batches of two: the committed batch (files
    1-2) stays whole, the batch being written (files 3-4) leaves nothing, not even the 3rd file's post row."""
    _five_files(tmp_path)
    monkeypatch.setattr(reading, "BATCH_SIZE", 2)
    _break_third_save(monkeypatch, KeyboardInterrupt())

    with pytest.raises(KeyboardInterrupt):
        importer.import_paths([tmp_path])

    assert _whole("post-1") and _whole("post-2")
    assert sorted(Post.objects.values_list("slug", flat=True)) == ["post-1", "post-2"]
    assert TaggedPost.objects.count() == 2
    monkeypatch.undo()
    report = importer.import_paths([tmp_path])  # running it again finishes the job
    assert [item.outcome for item in report.outcomes] == ["unchanged", "unchanged", "created", "created", "created"]


def test_dry_run_writes_nothing(tmp_path):
    write(tmp_path, "2024-01-01-one.md", post_file())
    write(tmp_path, "2024-01-02-two.md", post_file(extra="published: false\n"))
    write(tmp_path, "2024-01-03-bad.md", b"")
    version = caching.content_version()

    report = importer.import_paths([tmp_path], dry_run=True)

    assert report.counts == {"created": 1, "updated": 0, "unchanged": 0, "draft": 1, "failed": 1}
    assert report.summary().endswith("(dry run: nothing was written)")
    assert (Post.objects.count(), Tag.objects.count(), TaggedPost.objects.count()) == (0, 0, 0)
    assert caching.content_version() == version


def test_dry_run_reports_updates_without_making_them(tmp_path):
    path = write(tmp_path, "2024-01-01-one.md", post_file(body="Before."))
    importer.import_paths([path])
    before = snapshot()
    write(tmp_path, "2024-01-01-one.md", post_file(body="After.", tags="[Other]"))

    report = importer.import_paths([path], dry_run=True)

    assert report.outcomes[0].outcome == "updated"
    assert snapshot() == before


# -- commands ------------------------------------------------------------------------------------------------------


class TTY(io.StringIO):
    def isatty(self):
        return True


def run(*args, stdout=None, stderr=None, **options):
    stdout = stdout or io.StringIO()
    stderr = stderr or io.StringIO()
    call_command("import_jekyll", *[str(arg) for arg in args], stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def test_command_prints_one_line_per_file_and_the_counts_last():
    out, _err = run(DEMO_POSTS)
    lines = out.strip().splitlines()
    assert len(lines) == 8
    assert lines[0].startswith("created") and "2024-02-11-the-permission-to-pause.md" in lines[0]
    assert lines[-1] == "created 7, updated 0, unchanged 0, drafts 0, failed 0"
    out, _err = run(DEMO_POSTS)
    assert out.strip().splitlines()[-1] == "created 0, updated 0, unchanged 7, drafts 0, failed 0"


def test_command_exits_non_zero_when_a_file_failed(tmp_path):
    write(tmp_path, "2024-01-01-good.md", post_file())
    write(tmp_path, "2024-01-02-bad.md", b"no front matter")
    stdout = io.StringIO()
    with pytest.raises(CommandError, match="1 file"):
        run(tmp_path, stdout=stdout)
    lines = stdout.getvalue().strip().splitlines()
    assert "2024-01-02-bad.md: no front matter" in lines[1]
    assert lines[-1] == "created 1, updated 0, unchanged 0, drafts 0, failed 1"
    assert Post.objects.count() == 1


def test_command_exit_status_from_the_shell(tmp_path, monkeypatch):
    write(tmp_path, "2024-01-02-bad.md", b"no front matter")
    from django.core.management import ManagementUtility
    from django.db import connections

    # run_from_argv closes connections when it ends; the test's transaction must stay open.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_jekyll", str(tmp_path)]).execute()
    assert exit_info.value.code == 1


def test_command_dry_run(tmp_path):
    write(tmp_path, "2024-01-01-good.md", post_file())
    out, _err = run(tmp_path, "--dry-run")
    assert (
        out.strip().splitlines()[-1]
        == "created 1, updated 0, unchanged 0, drafts 0, failed 0 (dry run: nothing was written)"
    )
    assert Post.objects.count() == 0


def test_command_verbosity_zero_prints_only_the_counts_and_failures(tmp_path):
    write(tmp_path, "2024-01-01-good.md", post_file())
    write(tmp_path, "2024-01-02-bad.md", b"")
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        run(tmp_path, verbosity=0, stdout=stdout, stderr=stderr)
    assert stdout.getvalue().strip().splitlines() == ["created 1, updated 0, unchanged 0, drafts 0, failed 1"]
    assert "2024-01-02-bad.md: empty file" in stderr.getvalue()


def test_command_shows_progress_in_a_terminal():
    out, _err = run(DEMO_POSTS, stdout=TTY())
    assert "[1/7] created" in out and "[7/7] created" in out
    quiet, _err = run(DEMO_POSTS, stdout=TTY(), verbosity=0)
    assert "\r7 of 7 files" in quiet
    assert quiet.strip().splitlines()[-1].endswith("created 0, updated 0, unchanged 7, drafts 0, failed 0")


def test_command_prints_warnings_under_the_file(tmp_path):
    write(tmp_path, "2024-01-01-liquid.md", post_file(body="{% include note.html %}"))
    out, _err = run(tmp_path)
    assert "    warning: " in out and "Liquid left as text: {% include note.html %}" in out


# -- export and round trip -------------------------------------------------------------------------------------------


def _state() -> list[tuple]:
    rows = []
    for post in Post.objects.order_by("slug").prefetch_related("tags"):
        tags = tuple(sorted(tag.name for tag in post.tags.all()))
        rows.append(
            (
                post.slug,
                post.title,
                post.body,
                post.body_format,
                post.body_html,
                post.excerpt,
                post.description,
                post.status,
                post.published_at,
                post.legacy_url,
                tags,
                post.revised_at,
            )
        )
    return rows


@pytest.mark.corpus
def test_export_then_import_into_an_empty_database_gives_the_same_posts(tmp_path, seed_path):
    extra = tmp_path / "extra"
    write(extra, "2024-07-01-a-draft.md", post_file(title="Unfinished", extra="published: false\n"))
    write(extra, "2016-04-01-错误.html", post_file(title="错误 <em>page</em>", body="<p>HTML 🌱</p>"))
    write(
        extra,
        "2019-08-20-liquid.md",
        post_file(
            title="'Quotes: \"double\" and ''single'''",
            tags="[Code, 日本, '2013']",
            body="Literal {% raw %}{{ page.title }} and {% endraw %}{% raw %}{% endraw %}{% endraw %} text.",
            extra=(
                "date: 2019-08-20 10:00:00.5 -0500\npermalink: /en/old/path/\ndescription: Described.\n"
                "last_modified_at: 2021-02-03 04:05:06 +0100\n"
            ),
        ),
    )
    importer.import_paths([DEMO_POSTS, seed_path, extra])
    from blog.tests.factories import PostFactory

    PostFactory(title="Made in the admin", slug="Made-In-Admin", body="Typed *here*.", tags=["Admin"])
    before = _state()
    liquid = Post.objects.get(slug="liquid")
    assert liquid.body == "Literal {{ page.title }} and {% endraw %} text."
    assert liquid.revised_at == datetime.datetime(2021, 2, 3, 3, 5, 6, tzinfo=datetime.UTC)

    out = tmp_path / "export"
    call_command("export_jekyll", str(out), stdout=io.StringIO())
    Post.objects.all().delete()
    Tag.objects.all().delete()
    report = importer.import_paths([out])

    assert report.counts["failed"] == 0, [item.line() for item in report.failed]
    after = _state()
    assert len(after) == len(before) == 12
    # Posts with no old URL (one made in the admin, the seed, not named like a Jekyll post) get Jekyll's
    # default one from the exported file's name; everything else comes back as it was.
    no_old_url = {row[0] for row in before if not row[9] and row[7] == Post.Status.PUBLISHED}
    assert no_old_url == {"Made-In-Admin", "when-connection-feels-far-away"}
    assert [row[:9] + row[10:] for row in after] == [row[:9] + row[10:] for row in before]
    assert [row for row in after if row[0] not in no_old_url] == [row for row in before if row[0] not in no_old_url]


@pytest.mark.corpus
def test_exported_file_looks_like_the_seed(seed_path):
    importer.import_paths([seed_path])
    text = exporter.post_to_jekyll(Post.objects.get())
    assert text.startswith(
        "---\nlayout: post\ntitle: When Connection Feels Far Away\ndate: 2025-05-30 00:00:00 +0000\n"
        "tags: [Loneliness, Healing, Emotional Awareness, Self-Compassion]\nexcerpt: There are seasons"
    )
    # Not named like a Jekyll post (YYYY-MM-DD-title.md), the seed never had a Jekyll URL: none is made up.
    assert "permalink:" not in text and "\n---\n\n<a href=" in text
    assert exporter.file_name(Post.objects.get()) == "2025-05-30-when-connection-feels-far-away.md"


def test_protect_liquid_survives_a_jekyll_style_read():
    from jekyll import parse as jekyll

    for body in ["plain", "{{ x }}", "{% raw %}", "a {% endraw %} b", "{%- endraw -%}{{y}}", "{% if %}{% endraw %}"]:
        assert jekyll.convert_liquid(exporter.protect_liquid(body), name="x") == body


def test_very_long_slugs_get_a_file_name_the_file_system_accepts(tmp_path):
    from blog.tests.factories import PostFactory

    post = PostFactory(title="Long", slug="长" * 250)
    [path] = exporter.export_posts(tmp_path, Post.objects.all())
    assert len(path.name.encode()) < 255
    Post.objects.all().delete()
    importer.import_paths([path])
    assert Post.objects.get().slug == post.slug
