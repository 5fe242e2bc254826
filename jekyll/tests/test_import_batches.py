"""The importer's batches and worker processes: the same posts and outcomes as one file at a time, here.

jekyll.importer writes files in batches (one transaction each: the new posts together, the other files in a
savepoint each) and renders bodies in spawned worker processes while earlier files are written. None of that
may show in what is imported.
"""

import datetime
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from blog import caching, markdown, search
from blog.models import Post, TaggedPost
from jekyll import importer, reading, rendering
from jekyll.tests.batches import (
    CountingPool,
    NeverStartingPool,
    assert_derived_fields_are_fresh,
    clear,
    mixed_folder,
    post_inserts,
    posts_and_tags,
)
from jekyll.tests.helpers import DEMO_POSTS, outcomes, post_file, write

SAVEPOINT = re.compile(r'(RELEASE |ROLLBACK TO )?SAVEPOINT "?([^"\s]+)"?')

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 7 files and render tasks of 3 bodies, so that a few dozen files cross several of each."""
    monkeypatch.setattr(reading, "BATCH_SIZE", 7)
    monkeypatch.setattr(rendering, "RENDER_CHUNK", 3)


@pytest.mark.slow
def test_worker_processes_and_rendering_here_import_the_same(tmp_path, small_batches, monkeypatch):
    folder = mixed_folder(tmp_path)
    monkeypatch.setattr(rendering, "ProcessPoolExecutor", CountingPool)

    in_workers = importer.import_paths([folder], workers=2)
    # Every body that needed rendering went to the workers; those no worker had started when this process
    # would have waited for them, it took back and rendered itself.
    assert len(CountingPool.tasks) >= 15
    assert any(not task.cancelled() for task in CountingPool.tasks)
    imported_in_workers = posts_and_tags()
    clear()
    here = importer.import_paths([folder], workers=0)

    assert in_workers.outcomes == here.outcomes  # the same outcomes, reasons and warnings, in path order
    assert [item.name for item in here.outcomes] == sorted(item.name for item in here.outcomes)
    assert outcomes(here)["2024-02-13-empty.md"].reason == "empty file"
    assert outcomes(here)["2024-02-18-same-slug.md"].outcome == "failed"  # its batch is not the first claimant's
    assert posts_and_tags() == imported_in_workers
    assert here.counts["failed"] > 5 and here.counts["created"] > 45
    assert_derived_fields_are_fresh()
    again = importer.import_paths([folder], workers=2)
    assert again.counts["created"] == again.counts["updated"] == 0
    assert posts_and_tags() == imported_in_workers


@pytest.mark.slow
def test_tasks_no_worker_started_are_rendered_here(tmp_path, small_batches, monkeypatch):
    folder = mixed_folder(tmp_path)
    here = importer.import_paths([folder], workers=0)
    imported_here = posts_and_tags()
    clear()
    monkeypatch.setattr(rendering, "ProcessPoolExecutor", NeverStartingPool)

    assert importer.import_paths([folder], workers=2).outcomes == here.outcomes
    assert posts_and_tags() == imported_here


@pytest.mark.slow
def test_one_file_at_a_time_imports_the_same_as_batches(tmp_path, monkeypatch):
    folder = mixed_folder(tmp_path)
    batches = importer.import_paths([folder], workers=0)
    imported = posts_and_tags()
    clear()
    monkeypatch.setattr(reading, "BATCH_SIZE", 1)

    assert importer.import_paths([folder], workers=0).outcomes == batches.outcomes
    assert posts_and_tags() == imported
    assert_derived_fields_are_fresh()


@pytest.mark.slow
def test_a_dry_run_with_workers_writes_nothing_and_says_the_same(tmp_path, small_batches):
    folder = mixed_folder(tmp_path)
    dry = importer.import_paths([folder], workers=2, dry_run=True)
    assert (Post.objects.count(), Tag.objects.count()) == (0, 0)
    assert dry.outcomes == importer.import_paths([folder], workers=0).outcomes


def test_a_file_failing_in_the_middle_of_a_batch_leaves_nothing_and_the_rest_are_saved(tmp_path, monkeypatch):
    for n in range(1, 6):
        late = ", Late" if n in (3, 4) else ""
        write(tmp_path, f"2024-03-0{n}-post-{n}.md", post_file(title=f"Post {n}", tags=f"[Rest, Only{n}{late}]"))
    real_bulk_create = TaggedPost.objects.bulk_create

    def failing_for_post_3(rows, **kwargs):
        rows = list(rows)
        if any(row.content_object.slug == "post-3" for row in rows):
            raise RuntimeError("disk full")
        return real_bulk_create(rows, **kwargs)

    monkeypatch.setattr(TaggedPost.objects, "bulk_create", failing_for_post_3)
    report = importer.import_paths([tmp_path])

    assert [(item.outcome, item.reason) for item in report.outcomes] == [
        ("created", ""),
        ("created", ""),
        ("failed", "not saved: RuntimeError: disk full"),
        ("created", ""),
        ("created", ""),
    ]
    assert sorted(Post.objects.values_list("slug", flat=True)) == ["post-1", "post-2", "post-4", "post-5"]
    # The tags made for the failed file went with it; the next file made "Late" again rather than reuse it.
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Late", "Only1", "Only2", "Only4", "Only5", "Rest"]
    assert sorted(Post.objects.get(slug="post-4").tags.names()) == ["Late", "Only4", "Rest"]
    assert TaggedPost.objects.count() == 9


def test_a_body_that_fails_to_render_in_a_worker_fails_that_file_only(tmp_path, small_batches, monkeypatch):
    """Threads stand in for processes here, so that the test can break rendering inside the workers."""
    for n in range(1, 8):
        write(tmp_path, f"2024-03-0{n}-post-{n}.md", post_file(title=f"Post {n}", body=f"Body {n}."))
    real_render_post = markdown.render_post

    def render_post(body, *, is_html=False):
        if body == "Body 5.":
            raise ValueError("no good")
        return real_render_post(body, is_html=is_html)

    monkeypatch.setattr(markdown, "render_post", render_post)
    monkeypatch.setattr(rendering, "ProcessPoolExecutor", lambda **options: ThreadPoolExecutor(options["max_workers"]))
    report = importer.import_paths([tmp_path], workers=2)

    assert [item.outcome for item in report.outcomes] == ["created"] * 4 + ["failed"] + ["created"] * 2
    assert report.outcomes[4].reason == "not saved: ValueError: no good"
    assert Post.objects.get(slug="post-6").body_html == "<p>Body 6.</p>"


def test_a_batch_that_cannot_be_written_fails_all_its_files_and_the_next_batches_go_on(tmp_path, monkeypatch):
    """Anything failing outside a file's own savepoint (a commit that fails, say) loses the whole batch."""
    monkeypatch.setattr(reading, "BATCH_SIZE", 2)
    for n in range(1, 6):
        write(tmp_path, f"2024-03-0{n}-post-{n}.md", post_file(title=f"Post {n}", tags="[Rest, New]"))
    write(tmp_path, "2024-03-04-post-4-again.md", post_file(title="Post 4 again", extra="slug: post-4\n"))
    savepoints, doomed = [], []

    def failing_the_commit_of_the_second_batch(execute, sql, params, many, context):
        # The database refuses to commit the batch that wrote "Post 4 again" (its outermost savepoint), as a
        # locked database would, after every row of it was written.
        if match := SAVEPOINT.match(sql):
            verb, name = match.groups()
            if verb is None:
                savepoints.append(name)
            elif verb == "RELEASE " and name in doomed:
                doomed.remove(name)
                raise OperationalError("database is locked")
            elif verb == "RELEASE " and name in savepoints:  # a rolled back savepoint is released after too
                del savepoints[savepoints.index(name) :]
        elif savepoints and "Post 4 again" in str(params) and savepoints[0] not in doomed:
            doomed.append(savepoints[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(failing_the_commit_of_the_second_batch):
        report = importer.import_paths([tmp_path])

    lost = "not saved: its batch failed: OperationalError: database is locked"
    assert [(Path(item.name).name, item.outcome, item.reason) for item in report.outcomes] == [
        ("2024-03-01-post-1.md", "created", ""),
        ("2024-03-02-post-2.md", "created", ""),
        ("2024-03-03-post-3.md", "failed", lost),
        ("2024-03-04-post-4-again.md", "failed", lost),
        # The lost file's claim on the slug went with it: the next file with that slug is saved.
        ("2024-03-04-post-4.md", "created", ""),
        ("2024-03-05-post-5.md", "created", ""),
    ]
    assert sorted(Post.objects.values_list("slug", flat=True)) == ["post-1", "post-2", "post-4", "post-5"]
    assert Post.objects.get(slug="post-4").title == "Post 4"
    assert all(sorted(post.tags.names()) == ["New", "Rest"] for post in Post.objects.all())


def test_the_first_of_two_files_with_one_slug_failing_lets_the_second_update_the_post(tmp_path):
    # Two files with one Jekyll URL: the second is that post only if the first is not saved.
    same_url = "permalink: /shared/\n"
    write(tmp_path, "2024-03-01-shared.md", post_file(title="Before", tags="[Rest]", extra=same_url))
    importer.import_paths([tmp_path])
    write(tmp_path, "2024-03-01-shared.md", post_file(title="First try", tags="[Joy]", extra=same_url))
    write(tmp_path, "2024-03-02-second.md", post_file(title="Second try", tags="[Calm]", extra=same_url))
    calls = {"n": 0}

    def refusing_the_first_tagging(execute, sql, params, many, context):
        # The database refuses the first file's new tagging (a full disk, say); the rest goes through.
        if sql.startswith('INSERT INTO "blog_taggedpost"'):
            calls["n"] += 1
            if calls["n"] == 1:
                raise OperationalError("disk full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refusing_the_first_tagging):
        report = importer.import_paths([tmp_path])

    assert [item.outcome for item in report.outcomes] == ["failed", "updated"]
    post = Post.objects.get()
    assert (post.title, list(post.tags.names())) == ("Second try", ["Calm"])


def test_a_tag_deleted_between_batches_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "BATCH_SIZE", 1)
    write(tmp_path, "2024-03-01-one.md", post_file(title="One", tags="[Rest]"))
    write(tmp_path, "2024-03-02-two.md", post_file(title="Two", tags="[Rest]"))

    def delete_the_tag(done, total, outcome):
        if done == 1:
            Tag.objects.filter(name="Rest").delete()  # someone in the admin, while the import runs

    importer.import_paths([tmp_path], progress=delete_the_tag)
    assert list(Post.objects.get(slug="two").tags.names()) == ["Rest"]


def test_progress_hears_of_each_file_in_order_once_it_is_committed(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "BATCH_SIZE", 2)
    for n in range(1, 6):
        write(tmp_path, f"2024-03-0{n}-post-{n}.md", post_file(title=f"Post {n}"))
    heard = []

    def progress(done, total, outcome):
        heard.append((done, total, Path(outcome.name).name, Post.objects.filter(slug=outcome.slug).exists()))

    report = importer.import_paths([tmp_path / "nope", tmp_path], progress=progress)

    assert [(done, total) for done, total, _name, _saved in heard] == [(n, 6) for n in range(1, 7)]
    assert [name for _done, _total, name, _saved in heard] == [Path(item.name).name for item in report.outcomes]
    assert all(saved for _done, _total, name, saved in heard if name != "nope")


def test_new_posts_go_in_with_one_insert_and_their_tags_are_made_together(tmp_path):
    """Guards the batch's shape: thirty new posts go in together (Writer._insert), the posts in one INSERT, their
    tags in another and their searchable text in one UPDATE; the batch's tag names are looked up in one query
    and the missing tags made in one INSERT, however many there are.

    Measured on SQLite: 19 statements, whatever the number of tags. Written one at a time (a savepoint, its
    release, two INSERTs and an UPDATE each) the same posts take over 150, and each tag looked up and made on its
    own took four more (a lookup, a savepoint, the INSERT and its release).
    """
    for n in range(30):
        write(tmp_path, f"2024-03-01-post-{n}.md", post_file(title=f"Post {n}", tags=f"[Rest, Joy, Calm, Only{n}]"))
    with CaptureQueriesContext(connection) as queries:
        report = importer.import_paths([tmp_path], workers=0)
    assert report.counts["created"] == 30
    by_name = [
        query for query in queries if query["sql"].startswith('SELECT "taggit_tag"') and "LOWER(" in query["sql"]
    ]
    assert len(by_name) == 1
    assert len([query for query in queries if query["sql"].startswith('INSERT INTO "taggit_tag"')]) == 1
    assert len(post_inserts(queries)) == 1
    assert len(queries) <= 19
    assert Tag.objects.count() == 33
    assert sorted(Post.objects.get(slug="post-7").tags.names()) == ["Calm", "Joy", "Only7", "Rest"]


def test_new_posts_beside_a_changed_one_are_still_written_together(tmp_path):
    """A file updating a post is written on its own (in its savepoint); the new posts in its batch still go in
    together, and their old URLs in one more INSERT. Written one at a time, 59 new posts and an update took 307
    statements."""
    write(tmp_path, "2024-02-01-old.md", post_file(title="Old", tags="[Rest]"))
    write(tmp_path, "2024-02-02-kept.md", post_file(title="Kept", tags="[Rest]"))
    importer.import_paths([tmp_path], workers=0)
    write(tmp_path, "2024-02-01-old.md", post_file(title="Old, revised", tags="[Rest]"))
    # Unchanged, but after the revised file in path order, so the revised file has its Jekyll URL.
    same_url = "permalink: /2024/02/01/old.html\n"
    write(tmp_path, "2024-02-03-old-again.md", post_file(title="Old", tags="[Rest]", extra=same_url))
    for n in range(40):
        write(tmp_path, f"2024-03-01-post-{n}.md", post_file(title=f"Post {n}", tags="[Rest, Joy]"))

    with CaptureQueriesContext(connection) as queries:
        report = importer.import_paths([tmp_path], workers=0)

    assert len(post_inserts(queries)) == 1
    assert len(queries) <= 22
    by_name = outcomes(report)
    assert report.counts == {"created": 40, "updated": 1, "unchanged": 1, "draft": 0, "failed": 1}
    assert (by_name["2024-02-01-old.md"].outcome, by_name["2024-02-02-kept.md"].outcome) == ("updated", "unchanged")
    assert "same Jekyll URL /2024/02/01/old.html as " in by_name["2024-02-03-old-again.md"].reason
    assert Post.objects.get(slug="old").title == "Old, revised"
    assert Post.objects.count() == 42
    assert TaggedPost.objects.count() == 2 + 2 * 40
    assert_derived_fields_are_fresh()


def test_when_new_posts_cannot_go_in_together_each_body_is_still_rendered_once(tmp_path, monkeypatch):
    """Writing the new posts one by one after writing them together failed reuses their renderings."""
    for n in range(1, 6):
        write(tmp_path, f"2024-03-0{n}-post-{n}.md", post_file(title=f"Post {n}", body=f"Body {n}."))
    real_render_post = markdown.render_post
    rendered = []

    def render_post(body, *, is_html=False):
        rendered.append(body)
        if body == "Body 5.":
            raise ValueError("no good")
        return real_render_post(body, is_html=is_html)

    real_bulk_create = TaggedPost.objects.bulk_create

    def failing_for_post_3(rows, **kwargs):
        rows = list(rows)
        if any(row.content_object.slug == "post-3" for row in rows):
            raise RuntimeError("disk full")
        return real_bulk_create(rows, **kwargs)

    monkeypatch.setattr(markdown, "render_post", render_post)
    monkeypatch.setattr(TaggedPost.objects, "bulk_create", failing_for_post_3)
    report = importer.import_paths([tmp_path], workers=0)

    assert [(item.outcome, item.reason) for item in report.outcomes] == [
        ("created", ""),
        ("created", ""),
        ("failed", "not saved: RuntimeError: disk full"),
        ("created", ""),
        ("failed", "not saved: ValueError: no good"),
    ]
    assert sorted(rendered) == [f"Body {n}." for n in range(1, 6)]


def test_imported_posts_are_found_by_their_words_and_tags(tmp_path, small_batches):
    """The post goes in before its searchable text (see Writer._insert): the index must still hold it all."""
    write(tmp_path, "2024-03-01-garden.md", post_file(title="Garden", tags="[Breathing, Quiet]", body="Tomatoes."))
    write(tmp_path, "2024-03-02-sea.md", post_file(title="Sea", tags="[]", body="Tomatoes.\n\nAnd waves."))
    importer.import_paths([tmp_path])

    def found(query):
        results = search.search(query)
        return sorted(hit.post.title for hit in results[0 : results.count()])

    assert found("tomatoes") == ["Garden", "Sea"]
    assert found("breathing quiet tomatoes") == ["Garden"]
    assert found("waves") == ["Sea"]
    assert Post.objects.get(title="Garden").body_text == "Tomatoes."
    assert Post.objects.get(title="Sea").body_text == "Tomatoes.\nAnd waves."


def test_an_import_starts_a_new_content_version_and_knows_its_scheduled_posts(
    tmp_path, django_capture_on_commit_callbacks
):
    """Posts written many at a time still tell the page cache (blog.caching) what a save would."""
    soon = timezone.now() + datetime.timedelta(days=2)
    # No tags: a new tag's own save would tell the cache too.
    write(tmp_path, "2024-03-01-now.md", post_file(title="Now", tags="[]"))
    later = f"date: {soon:%Y-%m-%d %H:%M:%S} +0000\n"
    write(tmp_path, "2024-03-02-later.md", post_file(title="Later", tags="[]", extra=later))
    version = caching.content_version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = importer.import_paths([tmp_path])

    assert report.counts["created"] == 2
    assert len(callbacks) == 1  # one bump for the batch, once it is committed
    assert caching.content_version() != version
    assert caching.version_ends_at() == soon.replace(microsecond=0).timestamp()


def test_an_import_with_debug_on_keeps_only_its_last_batch_s_statements(tmp_path, settings, monkeypatch):
    """Django keeps each statement's SQL in DEBUG; a batch's hold a hundred bodies, so they are let go."""
    settings.DEBUG = True
    monkeypatch.setattr(reading, "BATCH_SIZE", 2)
    for n in range(1, 9):
        write(tmp_path, f"2024-03-0{n}-post-{n}.md", post_file(title=f"Post {n}", tags="[Rest]"))
    connection.queries_log.clear()

    importer.import_paths([tmp_path])

    assert Post.objects.count() == 8
    assert len(connection.queries) <= 12  # at most one batch's worth: writing all four takes about 40


@pytest.mark.slow
def test_a_few_files_are_rendered_here_without_starting_workers(monkeypatch):
    def no_pool(**options):
        raise AssertionError("a handful of files must not start worker processes")

    monkeypatch.setattr(rendering, "ProcessPoolExecutor", no_pool)
    assert importer.import_paths([DEMO_POSTS]).counts["created"] == 7


def test_render_posts_keeps_a_failing_body_s_error_in_its_place():
    results = markdown.render_posts([("*one*", False), (None, False), ("<b>three</b>", True)])
    assert results[0] == markdown.render_post("*one*")
    assert isinstance(results[1], Exception)
    assert results[2].html == "<b>three</b>"


def test_a_rendering_of_another_body_is_refused():
    post = Post(title="T", slug="t", body="Mine.")
    with pytest.raises(ValueError, match="another body"):
        post.render(markdown.render_post("Not mine."))
    post.render(markdown.render_post("Mine."))
    assert post.body_html == "<p>Mine.</p>"
