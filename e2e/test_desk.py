"""The writer's day at the desk, as an editor who is not a superuser: write with live preview, add a
picture, survive a closed tab, schedule, publish, unpublish, merge tags, look at Insights; axe throughout."""

import io
import os
import re
import time
from pathlib import Path

import pytest
from PIL import Image as PillowImage
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from blog.models import Image, Post
from e2e.browser import WIDTHS, axe_violations, log_in

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ["DESK_SCREENSHOTS"]) if os.environ.get("DESK_SCREENSHOTS") else None


@pytest.fixture
def desk(new_context, editor, live_server, csp_violations):
    """Open pages as the editor (a new context each call: closing it is closing the browser)."""

    pages = []

    def open_page(width=WIDTHS["desktop"]):
        context = new_context(width=width)
        log_in(context, editor, live_server.url)
        page = context.new_page()
        page.on(
            "console",
            lambda m: m.type == "error" and "Content Security Policy" in m.text and csp_violations.append(m.text),
        )
        pages.append(page)
        return page

    yield open_page
    # Leave every page, then give the server a moment to answer what they sent last (a preview, an
    # autosave, a closed tab's beacon): the test database is emptied next, and a request still writing would
    # lock it. A page closed with run_before_unload closes on its own time, so any page may be closing now:
    # the wait is the test's own, not a page's.
    for page in pages:
        try:
            page.goto("about:blank")
        except PlaywrightError:
            if not page.is_closed():
                raise
    if pages:
        time.sleep(0.3)  # the browser is another process: what it sent last reaches the server on its own time
    assert not csp_violations, csp_violations


def ready(page):
    """Wait until the desk's scripts have set the page up (a click before then would go unheard)."""
    expect(page.locator("html[data-desk='ready']")).to_have_count(1)


def shot(page, name):
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def wait_for(page, condition, *, tries=50):
    """A beacon sent as a tab closed reaches the server on its own time: wait for it, five seconds at most."""
    for _ in range(tries):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("the autosave never arrived")


def png_bytes() -> bytes:
    out = io.BytesIO()
    PillowImage.new("RGB", (640, 400), (120, 160, 200)).save(out, format="PNG")
    return out.getvalue()


def test_write_with_live_preview_picture_autosave_and_schedule(desk, demo_posts, media):
    page = desk()
    page.goto("/admin/blog/post/add/")
    ready(page)
    page.get_by_label("Title:").fill("Letting the kettle boil")
    body = page.locator("textarea.desk-body")
    body.fill("Wait for the water.\n\n## Slowly\n\n> Nothing needs to happen faster than this.\n\n{{ page.title }}")
    preview = page.locator(".desk-preview-body")
    expect(preview.locator("h2")).to_have_text("Slowly")
    expect(preview.locator("blockquote")).to_contain_text("Nothing needs to happen")
    expect(page.locator(".desk-words")).to_have_text(re.compile(r"^\d+ words$"))
    expect(page.locator(".desk-warnings")).to_contain_text("Liquid left in the text")

    # A link by pasting a URL over selected words, then bold by keyboard.
    page.evaluate(
        """() => {
            const text = document.querySelector("textarea.desk-body");
            text.focus();
            text.setSelectionRange(0, 4);
            const data = new DataTransfer();
            data.setData("text/plain", "https://example.org/waiting");
            text.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }"""
    )
    expect(body).to_have_value(re.compile(r"^\[Wait\]\(https://example.org/waiting\) for the water"))
    expect(preview.locator('a[href="https://example.org/waiting"]')).to_have_text("Wait")
    body.press("Control+End")
    body.press("Control+b")
    expect(preview.locator("strong")).to_have_text("bold text")

    # A picture: picked from disk, described, uploaded and inserted.
    page.once("dialog", lambda dialog: dialog.accept("Steam rising from a kettle"))
    page.locator(".desk-file").set_input_files(
        files=[{"name": "kettle.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    expect(body).to_have_value(re.compile(r"!\[Steam rising from a kettle\]\(/media/images/"))
    expect(preview.locator('img[alt="Steam rising from a kettle"]')).to_be_visible()
    expect(preview.locator("strong")).to_have_text("bold text")  # the picture went after the line, not into it
    assert Image.objects.count() == 1
    axe = axe_violations(page)
    shot(page, "editor-1280")
    assert axe == [], axe

    page.get_by_role("button", name="Save draft").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Saved as a draft")
    ready(page)
    post = Post.objects.get(slug="letting-the-kettle-boil")
    assert post.state == "draft"

    # Keep writing, then close the tab without saving: the autosave brings it back.
    page.locator("textarea.desk-body").press("Control+End")
    page.locator("textarea.desk-body").type("\n\nA line written just before the tab closed.")
    page.wait_for_timeout(200)
    page.close(run_before_unload=True)
    reopened = desk()
    wait_for(reopened, lambda: post.revisions.filter(kind="autosave").exists())
    reopened.goto(f"/admin/blog/post/{post.pk}/change/")
    ready(reopened)
    expect(reopened.locator(".desk-recover")).to_contain_text("newer than the saved post")
    reopened.locator(".desk-recover a").click()
    expect(reopened.locator(".desk-diff .desk-diff-added").last).to_contain_text(
        "A line written just before the tab closed."
    )
    reopened.get_by_role("button", name="Restore this version").click()
    expect(reopened.locator("textarea.desk-body")).to_have_value(re.compile("just before the tab closed"))
    ready(reopened)

    # Schedule it for a time ahead, in the site's time zone (asked for first, when none is chosen).
    reopened.get_by_role("button", name="Schedule…").first.click()
    expect(reopened.locator(".desk-schedule-note")).to_contain_text("Choose the date and time")
    expect(reopened.locator("#id_publish_at")).to_be_focused()
    reopened.locator("#id_publish_at").fill("2099-05-01T07:30")
    reopened.get_by_role("button", name="Schedule…").first.click()
    expect(reopened.locator(".messagelist")).to_contain_text("Scheduled for 1 May 2099, 07:30")
    expect(reopened.get_by_role("button", name="Reschedule").first).to_be_visible()
    post.refresh_from_db()
    assert post.state == "scheduled"


def test_a_new_post_closed_before_its_first_save_is_kept_as_a_draft(desk, demo_posts):
    page = desk()
    page.goto("/admin/blog/post/add/")
    ready(page)
    page.get_by_label("Title:").fill("Written in a hurry")
    page.locator("textarea.desk-body").fill("Before the train left.")
    page.wait_for_timeout(100)
    # Logged in before the close, not after: the live server shares this test's in-memory SQLite connection,
    # and a login written while the server writes the closing page's draft collided with it ("cannot start a
    # transaction within a transaction"). From here on this thread only reads.
    watcher = desk()
    page.close(run_before_unload=True)
    wait_for(watcher, lambda: Post.objects.filter(title="Written in a hurry").exists())
    post = Post.objects.get(title="Written in a hurry")
    assert post.body == "Before the train left." and post.state == "draft"


def test_publish_one_now_unpublish_another_and_read_the_list(desk, demo_posts):
    draft = Post.objects.get(status=Post.Status.DRAFT)
    page = desk()
    page.goto(f"/admin/blog/post/{draft.pk}/change/")
    ready(page)
    page.get_by_role("button", name="Publish now").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Published")
    draft.refresh_from_db()
    assert draft.is_public

    live = demo_posts[0]
    page.goto(f"/admin/blog/post/{live.pk}/change/")
    ready(page)
    page.get_by_role("button", name="Unpublish").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Unpublished")

    page.goto("/admin/blog/post/")
    expect(page.locator("td.field-state_label", has_text="Unpublished")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.locator("th.column-saves")).to_be_visible()
    expect(page.locator("th.column-reading")).to_be_visible()
    shot(page, "post-list-1280")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Unpublished").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)


def test_preview_as_page_opens_the_readers_page_in_a_new_tab(desk, demo_posts):
    page = desk()
    page.goto("/admin/blog/post/add/")
    ready(page)
    page.get_by_label("Title:").fill("Not saved yet")
    page.locator("textarea.desk-body").fill("A *soft* start.")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview as page").first.click()
    tab = opened.value
    expect(tab.get_by_role("heading", level=1)).to_have_text("Not saved yet")
    expect(tab.locator(".post-body em")).to_have_text("soft")
    expect(tab.get_by_role("link", name="Back to editing")).to_be_visible()
    expect(tab.locator(".save-button, form.save")).to_have_count(0)
    assert not Post.objects.filter(title="Not saved yet").exists()


def test_narrow_screens_switch_between_write_and_preview(desk, demo_posts):
    page = desk(width=WIDTHS["mobile"])
    page.goto("/admin/blog/post/add/")
    ready(page)
    page.locator("textarea.desk-body").fill("Small *screens*.")
    expect(page.locator(".desk-preview")).to_be_hidden()
    page.get_by_role("tab", name="Preview").click()
    expect(page.locator(".desk-preview-body em")).to_have_text("screens")
    expect(page.locator("textarea.desk-body")).to_be_hidden()
    shot(page, "editor-375")


def test_tags_are_suggested_and_merged(desk, demo_posts):
    from taggit.models import Tag

    page = desk()
    page.goto(f"/admin/blog/post/{demo_posts[1].pk}/change/")
    ready(page)
    tags = page.locator("#id_tags")
    tags.fill("")
    tags.press_sequentially("self-comp")
    page.get_by_role("option", name="Self-Compassion").click()
    expect(tags).to_have_value("Self-Compassion, ")

    Post.objects.get(pk=demo_posts[2].pk).tags.add("self compassion")
    page.goto("/admin/taggit/tag/")
    for name in ("Self-Compassion", "self compassion"):
        page.locator("tr", has=page.get_by_role("link", name=name, exact=True)).locator("input.action-select").check()
    page.locator("select[name=action]").select_option("merge")
    page.get_by_role("button", name="Run").click()
    page.get_by_label("Keep this tag").select_option(label="Self-Compassion")
    page.get_by_role("button", name="Merge").click()
    expect(page.locator(".messagelist")).to_contain_text("Merged into “Self-Compassion”")
    assert not Tag.objects.filter(name="self compassion").exists()


def test_insights(desk, demo_posts):
    page = desk()
    page.goto("/admin/")
    page.get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="Essays published per month")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Essays published per month"))).to_be_visible()
    shot(page, "insights-1280")
    assert axe_violations(page) == []
