"""A staff member writes in the admin: logs in, drafts, previews on the site, publishes, sees it live."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

TITLE = "Letting the kettle boil"
SLUG = "letting-the-kettle-boil"


def test_staff_drafts_previews_publishes_and_sees_it_on_the_home_page(page, new_context, staff, demo_posts):
    page.goto("/admin/")
    expect(page).to_have_url(re.compile("/accounts/login/"))  # the one login page, for staff too
    page.locator("#id_login").fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="The writer's desk")).to_be_visible()

    # A draft, written in the admin.
    page.goto("/admin/blog/post/add/")
    page.get_by_label("Title:").press_sequentially(TITLE)
    expect(page.get_by_label("Slug:")).to_have_value(SLUG)  # the admin's own prepopulation, under our CSP
    page.locator("textarea#id_body").fill("Wait for the water.\n\n> Nothing needs to happen faster than this.")
    page.get_by_label("Tags:").fill("Rest, Rituals")
    page.get_by_role("button", name="Save draft").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Saved as a draft")

    # Preview it on the site: staff see the draft with a banner; readers get a 404.
    page.get_by_role("link", name="View on site").click()
    expect(page).to_have_url(re.compile(f"/posts/{SLUG}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".preview-banner")).to_contain_text("Draft")
    reader = new_context().new_page()
    assert reader.goto(f"/posts/{SLUG}/").status == 404
    reader.goto("/")
    expect(reader.locator("main")).not_to_contain_text(TITLE)

    # Publish it.
    page.go_back()
    page.get_by_role("button", name="Publish now").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Published")

    # Readers now find it first on the home page (the page cache moved on with the content).
    reader.goto("/")
    expect(reader.locator(".post-card-title").first).to_have_text(TITLE)
    reader.get_by_role("link", name=TITLE, exact=True).click()
    expect(reader.locator(".post-body blockquote")).to_contain_text("Nothing needs to happen faster than this.")
    expect(reader.locator(".preview-banner")).to_have_count(0)
