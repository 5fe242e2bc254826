"""The importer writes each file whole or not at all; a dry run writes nothing."""

from pathlib import Path

import pytest
from taggit.models import Tag

from blog import caching
from blog.models import Post, TaggedPost
from jekyll import importer, reading
from jekyll.tests.helpers import post_file, snapshot, write

pytestmark = pytest.mark.django_db


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
