"""Uploading in the admin: small uploads import at once; the same files again change nothing; bad files are
form errors; a double submit makes one run."""

import html
import uuid

import pytest
from django.urls import reverse

from blog.models import Image, OldUrl, Post, Revision
from imports import services
from imports.models import ImportOutcome, ImportRun
from imports.tests.helpers import post_text, site_entries, site_zip, stored_uploads, upload, zip_bytes


def outcomes(run):
    return {row.name: (row.outcome, row.is_draft) for row in run.outcomes.all()}


def test_a_small_jekyll_zip_is_imported_at_once_with_its_picture(editor_client, editor):
    response = upload(editor_client, ("my-site.zip", site_zip()))

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:imports_importrun_change", args=[run.pk])
    assert (run.status, run.in_background, run.uploaded_by, run.total, run.done) == ("done", False, editor, 3, 3)
    assert outcomes(run) == {
        "my-site/_posts/2024-01-02-morning-light.md": ("created", False),
        "my-site/_posts/2024-02-03-the-garden.md": ("created", False),
        "my-site/_drafts/not-yet.md": ("created", True),
    }
    garden = Post.objects.get(slug="the-garden")
    assert garden.legacy_url == "/2024/02/the-garden/"
    assert garden.source_path == "my-site/_posts/2024-02-03-the-garden.md"
    assert Image.objects.get().name in garden.body
    assert set(Post.objects.get(slug="morning-light").tags.names()) == {"Rest", "Mornings"}
    # The stored upload is gone once the run is done.
    assert run.upload_name == ""
    assert stored_uploads() == []


def test_uploading_the_same_zip_again_changes_nothing(editor_client):
    upload(editor_client, ("my-site.zip", site_zip()))
    before = list(Post.objects.order_by("pk").values_list("pk", "updated_at", "body_html"))
    counts = (Revision.objects.count(), Image.objects.count(), OldUrl.objects.count())

    upload(editor_client, ("my-site.zip", site_zip()))

    second = ImportRun.objects.latest()
    assert second.status == "done"
    assert {outcome for outcome, _draft in outcomes(second).values()} == {"unchanged"}
    assert list(Post.objects.order_by("pk").values_list("pk", "updated_at", "body_html")) == before
    assert (Revision.objects.count(), Image.objects.count(), OldUrl.objects.count()) == counts


def test_a_changed_post_in_a_new_zip_is_updated_in_place(editor_client):
    upload(editor_client, ("my-site.zip", site_zip()))
    garden = Post.objects.get(slug="the-garden")
    entries = site_entries()
    entries["my-site/_posts/2024-01-02-morning-light.md"] = post_text("Morning light, revised", tags="[Rest]")
    upload(editor_client, ("my-site.zip", zip_bytes(entries)))

    run = ImportRun.objects.latest()
    assert outcomes(run)["my-site/_posts/2024-01-02-morning-light.md"] == ("updated", False)
    assert outcomes(run)["my-site/_posts/2024-02-03-the-garden.md"] == ("unchanged", False)
    assert Post.objects.get(slug="morning-light").title == "Morning light, revised"
    assert Post.objects.get(pk=garden.pk).updated_at == garden.updated_at


def test_markdown_files_are_imported_and_the_same_files_again_are_unchanged(editor_client):
    files = [
        ("2024-03-04-first-frost.md", post_text("First frost").encode()),
        ("dated-inside.markdown", post_text("Dated inside", date="2024-03-05").encode()),
    ]
    upload(editor_client, *files)
    first = ImportRun.objects.get()
    assert (first.file_name, first.file_count) == ("2 Markdown files", 2)
    assert outcomes(first) == {
        "2024-03-04-first-frost.md": ("created", False),
        "dated-inside.markdown": ("created", False),
    }

    upload(editor_client, *reversed(files))
    assert {outcome for outcome, _draft in outcomes(ImportRun.objects.latest()).values()} == {"unchanged"}
    assert Post.objects.count() == 2


def test_a_file_the_importer_rejects_says_why_and_the_rest_are_imported(editor_client):
    upload(
        editor_client,
        ("2024-03-04-fine.md", post_text("Fine").encode()),
        ("no-date.md", post_text("No date").encode()),
        ("latin1.md", "---\ntitle: caf\xe9\ndate: 2024-01-01\n---\n".encode("latin-1")),
    )
    rows = {row.name: row for row in ImportRun.objects.get().outcomes.all()}
    assert rows["2024-03-04-fine.md"].outcome == "created"
    assert rows["2024-03-04-fine.md"].post == Post.objects.get(slug="fine")
    assert rows["no-date.md"].outcome == "rejected"
    assert "no date" in rows["no-date.md"].reason
    assert rows["latin1.md"].outcome == "rejected"
    assert "not UTF-8" in rows["latin1.md"].reason


def test_hostile_names_and_front_matter_are_escaped_on_the_outcome_page(editor_client):
    laughs = "\n".join(
        ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        + [f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    )
    entries = {
        "_posts/2024-01-01-<img src=x onerror=alert(1)>.md": post_text("<script>alert('title')</script>"),
        "_posts/2024-01-02-laughs.md": f"---\n{laughs}\ntags: *i\ntitle: *i\n---\nbody\n",
        "_posts/2024-01-03-python.md": "---\ntitle: !!python/object/apply:os.system ['touch /tmp/owned']\n---\n",
    }
    upload(editor_client, ("hostile.zip", zip_bytes(entries)))
    run = ImportRun.objects.get()
    assert run.status == "done"

    page = editor_client.get(run.get_absolute_url()).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>alert" not in page
    assert outcomes(run)["_posts/2024-01-03-python.md"] == ("rejected", False)


@pytest.mark.parametrize(
    "files,message",
    [
        ([("notes.txt", b"hello")], "only Markdown"),
        ([("a.md", b"x"), ("site.zip", zip_bytes({"a.md": "x"}))], "one zip on its own"),
        ([("_layout.md", b"x")], "Jekyll never reads"),
        ([("a.md", b"x"), ("dir/a.md", b"y")], "Two files are named a.md"),
    ],
    ids=["not markdown", "zip and markdown", "underscore", "same name twice"],
)
def test_files_that_cannot_be_imported_are_form_errors(editor_client, files, message):
    response = upload(editor_client, *files)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not ImportRun.objects.exists()


def test_too_many_markdown_files_is_a_form_error_up_to_twice_the_limit_then_a_bare_400(editor_client, settings):
    settings.IMPORT_MAX_MARKDOWN_FILES = 2
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 4
    files = [(f"2024-01-0{n}-p.md", b"x") for n in range(1, 6)]
    response = upload(editor_client, *files[:3])
    assert response.status_code == 400
    assert "at most 2 at once" in response.content.decode()
    assert upload(editor_client, *files).status_code == 400
    assert not ImportRun.objects.exists()


def test_no_file_or_no_token_is_a_form_error(editor_client):
    url = reverse("admin:imports_importrun_add")
    assert editor_client.post(url, {"token": str(uuid.uuid4())}).status_code == 400
    response = editor_client.post(url, {"files": [], "token": "not-a-uuid"})
    assert response.status_code == 400
    assert "out of date" in response.content.decode()


def test_a_double_submit_of_one_form_makes_one_run(editor_client):
    token = uuid.uuid4()
    first = upload(editor_client, ("my-site.zip", site_zip()), token=token)
    second = upload(editor_client, ("my-site.zip", site_zip()), token=token)
    assert first["Location"] == second["Location"]
    assert ImportRun.objects.count() == 1
    assert ImportOutcome.objects.count() == 3


def test_the_same_zip_while_it_is_still_importing_finds_that_run(editor_client, settings):
    settings.IMPORT_INLINE_MAX_FILES = 0  # to the worker, which is not running here
    upload(editor_client, ("my-site.zip", site_zip()))
    response = upload(editor_client, ("copy.zip", site_zip()))
    run = ImportRun.objects.get()
    assert run.status == "queued"
    assert response["Location"] == run.get_absolute_url()


def test_a_second_file_is_refused_by_every_other_upload_in_the_admin(editor_client, tmp_path):
    response = editor_client.post(
        reverse("admin:desk-image-upload"), {"file": [_file("a.png"), _file("b.png")]}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400


def _file(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"x")


def test_a_double_submit_racing_past_the_first_check_still_makes_one_run(editor_client, editor, monkeypatch):
    """The second request finds no run, then the first commits its own before the second inserts."""
    token = uuid.uuid4()
    real_retire = services.retire_stale

    def first_request_commits_meanwhile():
        ImportRun.objects.create(token=token, uploaded_by=editor, file_name="first.zip", sha256="0" * 64)
        return real_retire()

    monkeypatch.setattr(services, "retire_stale", first_request_commits_meanwhile)
    response = upload(editor_client, ("my-site.zip", site_zip()), token=token)

    run = ImportRun.objects.get()
    assert run.file_name == "first.zip"
    assert response["Location"] == run.get_absolute_url()
    assert stored_uploads() == []  # the losing request's stored upload is gone


def test_a_site_whose_configuration_cannot_be_read_is_reported_without_server_paths(editor_client):
    entries = {"site/_config.yml": "permalink: [unclosed\n", "site/_posts/2024-01-01-a.md": post_text("A")}
    upload(editor_client, ("site.zip", zip_bytes(entries)))
    [row] = ImportRun.objects.get().outcomes.all()
    assert row.outcome == "rejected"
    assert row.name == "site"
    assert "site not read" in row.reason
    assert "/tmp" not in row.reason and "site-import-" not in row.reason
