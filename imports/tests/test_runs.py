"""A run's pages and its way through the task worker: django-tasks-db's worker for real, and the immediate
backend; who may see what; runs whose worker died."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blog.models import Post
from imports import services
from imports.models import ImportOutcome, ImportRun
from imports.tests.helpers import post_text, site_zip, stored_uploads, upload, zip_bytes
from subscriptions.tests.factories import run_worker


@pytest.fixture
def to_the_worker(settings):
    settings.IMPORT_INLINE_MAX_FILES = 0


@pytest.mark.django_db(transaction=True)
def test_a_large_upload_goes_through_the_database_queue_and_a_real_worker(editor_client, to_the_worker):
    response = upload(editor_client, ("my-site.zip", site_zip()))
    run = ImportRun.objects.get()
    assert (run.status, run.in_background) == ("queued", True)
    assert DBTaskResult.objects.count() == 1
    assert not Post.objects.exists()

    waiting = editor_client.get(response["Location"]).content.decode()
    assert "Waiting for the background worker" in waiting
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in waiting
    assert reverse("admin:imports_importrun_progress", args=[run.pk]) in waiting

    run_worker()

    run.refresh_from_db()
    assert (run.status, run.total, run.done, run.upload_name) == ("done", 3, 3, "")
    assert stored_uploads() == []
    assert Post.objects.count() == 3
    done = editor_client.get(response["Location"]).content.decode()
    assert "http-equiv" not in done
    assert "my-site/_posts/2024-02-03-the-garden.md" in done
    assert editor_client.get(reverse("admin:imports_importrun_progress", args=[run.pk])).json() == {
        "status": "done",
        "finished": True,
        "done": 3,
        "total": 3,
        "text": "Finished: 3 of 3 files.",
    }


def test_with_the_immediate_backend_the_task_runs_once_the_upload_is_committed(
    editor_client, settings, to_the_worker, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, ("my-site.zip", site_zip()))
    run = ImportRun.objects.get()
    assert (run.status, run.in_background, run.done) == ("done", True, 3)


def test_a_run_already_taken_is_not_imported_twice(editor_client, to_the_worker):
    upload(editor_client, ("my-site.zip", site_zip()))
    run = ImportRun.objects.get()
    assert services.perform(run_id=run.pk) == "done"
    assert services.perform(run_id=run.pk) == "not waiting"
    assert ImportOutcome.objects.count() == 3


def test_a_run_whose_upload_vanished_stops_with_a_reason(editor_client, to_the_worker):
    upload(editor_client, ("my-site.zip", site_zip()))
    run = ImportRun.objects.get()
    services.storage().delete(run.upload_name)
    assert services.perform(run_id=run.pk) == "failed"
    run.refresh_from_db()
    assert "The import stopped (FileNotFoundError)" in run.error
    assert "The import stopped" in editor_client.get(run.get_absolute_url()).content.decode()


def test_a_zip_without_posts_says_where_posts_are_looked_for(editor_client):
    upload(editor_client, ("pictures.zip", zip_bytes({"readme.txt": "hello"})))
    run = ImportRun.objects.get()
    assert (run.status, run.total) == ("done", 0)
    assert "No post files were found" in editor_client.get(run.get_absolute_url()).content.decode()


def test_runs_no_worker_moved_for_a_while_end_as_stopped_and_free_their_upload(editor_client, to_the_worker, settings):
    upload(editor_client, ("my-site.zip", site_zip()))
    run = ImportRun.objects.get()
    stored = run.upload_name
    assert services.storage().exists(stored)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)):
        page = editor_client.get(run.get_absolute_url()).content.decode()
        # The same zip may be uploaded again, and starts a new run.
        upload(editor_client, ("my-site.zip", site_zip()))
    run.refresh_from_db()
    assert run.status == "failed"
    assert "No background worker started this import" in page
    assert not services.storage().exists(stored)
    assert ImportRun.objects.count() == 2


def test_the_outcome_table_filters_by_outcome_from_a_fixed_list(editor_client):
    upload(
        editor_client,
        ("2024-03-04-fine.md", post_text("Fine").encode()),
        ("no-date.md", post_text("No date").encode()),
    )
    url = ImportRun.objects.get().get_absolute_url()
    rejected = editor_client.get(url, {"outcome": "rejected"}).content.decode()
    assert "no-date.md" in rejected and "2024-03-04-fine.md" not in rejected
    assert "2024-03-04-fine.md" in editor_client.get(url, {"outcome": "'; drop table"}).content.decode()


@pytest.mark.parametrize("files", [3, pytest.param(30, marks=pytest.mark.slow)])
def test_the_outcome_page_costs_the_same_queries_at_any_size(editor_client, django_assert_num_queries, files, settings):
    """Guards against a query per outcome row (the post link uses the row's own post id)."""
    settings.IMPORT_INLINE_MAX_FILES = 100
    upload(
        editor_client,
        ("many.zip", zip_bytes({f"_posts/2024-01-{n + 1:02d}-p{n}.md": post_text(f"P {n}") for n in range(files)})),
    )
    url = ImportRun.objects.get().get_absolute_url()
    # the user and their two kinds of permissions, the run (with who uploaded it), its counts, its outcomes,
    # and the admin's two "may add site settings" checks
    with django_assert_num_queries(8):
        response = editor_client.get(url)
    assert len(re.findall(r'<tr class="desk-import-created">', response.content.decode())) == files


def test_who_may_import(client, member, django_user_model, editor):
    add = reverse("admin:imports_importrun_add")
    assert client.get(add).status_code == 302  # to the admin's login
    client.force_login(member)
    assert client.get(add).status_code == 302
    staff = django_user_model.objects.create_user(email="staff@example.org", password="x long enough", is_staff=True)
    client.force_login(staff)
    assert client.get(add).status_code == 403
    assert upload(client, ("my-site.zip", site_zip())).status_code == 403
    # The import permission alone is not enough: importing writes posts.
    staff.user_permissions.add(Permission.objects.get(codename="add_importrun"))
    assert client.get(add).status_code == 403
    assert not ImportRun.objects.exists()

    client.force_login(editor)
    assert client.get(add).status_code == 200
    upload(client, ("my-site.zip", site_zip()))
    run = ImportRun.objects.get()
    client.force_login(staff)
    assert client.get(run.get_absolute_url()).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_importrun"))
    client.force_login(staff)
    assert client.get(run.get_absolute_url()).status_code == 200
    client.force_login(member)
    assert client.get(reverse("admin:imports_importrun_progress", args=[run.pk])).status_code == 302


def test_bad_run_ids_are_404s_not_errors(editor_client):
    for bad in ("abc", "99999", "1%00"):
        assert editor_client.get(f"/admin/imports/importrun/{bad}/change/").status_code in (302, 400, 404)
        assert editor_client.get(f"/admin/imports/importrun/{bad}/progress/").status_code in (400, 404)


def test_editors_find_imports_in_writing_and_cannot_delete_runs(editor_client):
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:imports_importrun_add") in index
    writing = index[index.index("Writing") : index.index("Members") if "Members" in index else None]
    assert reverse("admin:imports_importrun_changelist") in writing
    upload(editor_client, ("my-site.zip", site_zip()))
    run = ImportRun.objects.get()
    assert editor_client.get(reverse("admin:imports_importrun_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:imports_importrun_delete", args=[run.pk])).status_code == 403
