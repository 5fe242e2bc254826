"""Importing without a shell, as an editor who is not a superuser: upload a zip of a small Jekyll site, watch
the import on the background worker, read the outcome table; axe on each page, screenshots at both widths."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from blog.models import Post
from e2e.browser import WIDTHS, axe_violations, log_in
from imports.models import ImportRun
from imports.tests.helpers import site_zip
from subscriptions.tests.factories import run_worker

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ["DESK_SCREENSHOTS"]) if os.environ.get("DESK_SCREENSHOTS") else None


def shot(page, name):
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "imports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "up"}},
    }


@pytest.fixture
def open_as_editor(new_context, live_server, editor, csp_violations):

    def open_page(width=WIDTHS["desktop"]):
        context = new_context(width=width)
        log_in(context, editor, live_server.url)
        page = context.new_page()
        page.on(
            "console",
            lambda m: m.type == "error" and "Content Security Policy" in m.text and csp_violations.append(m.text),
        )
        return page

    yield open_page
    assert not csp_violations, csp_violations


def test_upload_a_jekyll_zip_follow_it_on_the_worker_and_read_the_outcome_table(
    open_as_editor, private_storage, settings, tmp_path
):
    settings.IMPORT_INLINE_MAX_FILES = 0  # to the worker, so the progress page shows
    archive = tmp_path / "my-site.zip"
    archive.write_bytes(site_zip())

    page = open_as_editor()
    page.goto("/admin/")
    page.get_by_role("link", name="Import posts (Markdown or a Jekyll zip)").click()
    expect(page.get_by_role("heading", name="Import posts")).to_be_visible()
    expect(page.locator("html[data-imports=ready]")).to_have_count(1)
    shot(page, "import-form-1280")
    assert axe_violations(page) == []
    narrow = open_as_editor(WIDTHS["mobile"])
    narrow.goto(page.url)
    shot(narrow, "import-form-375")

    # A broken zip is a form error, read out beside the field.
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    page.get_by_label("Files to import").set_input_files(str(broken))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("This is not a zip file, or it is damaged")
    expect(page.get_by_label("Files to import")).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []
    shot(page, "import-form-error-1280")

    page.get_by_label("Files to import").set_input_files(str(archive))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Waiting for the background worker to start this import.")
    run = ImportRun.objects.get()
    shot(page, "import-progress-1280")
    assert axe_violations(page) == []
    narrow.goto(page.url)
    shot(narrow, "import-progress-375")

    run_worker()

    # The page follows the run and shows the table once it is done, without a click.
    table = page.get_by_role("table", name="Each file of the upload and its outcome, in the order read")
    expect(table).to_be_visible(timeout=15_000)
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="my-site/_posts/2024-02-03-the-garden.md")).to_contain_text("Created")
    expect(rows.filter(has_text="my-site/_drafts/not-yet.md")).to_contain_text("Created (draft)")
    shot(page, "import-outcome-1280")
    assert axe_violations(page) == []
    # The narrow page was following the run too, and shows the table by itself.
    expect(
        narrow.get_by_role("table", name="Each file of the upload and its outcome, in the order read")
    ).to_be_visible(timeout=15_000)
    shot(narrow, "import-outcome-375")
    assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    rows.filter(has_text="the-garden.md").get_by_role("link", name="the-garden").click()
    expect(page.get_by_label("Title:")).to_have_value("The garden")
    assert ImportRun.objects.get(pk=run.pk).status == "done"
    assert Post.objects.count() == 3
