"""The frame around the essays: a one-row masthead on phones, a menu that opens with or without
JavaScript, a theme control that says what it is and whether it is on, and the site introduced."""

import pytest
from playwright.sync_api import expect

from blog.models import SiteSettings

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}


def test_on_a_phone_the_header_is_one_row_and_the_essay_starts_in_the_first_screen(new_context, demo_posts):
    page = new_context(width=PHONE["width"]).new_page()
    page.set_viewport_size(PHONE)
    page.goto(demo_posts[0].get_absolute_url())
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 72
    first_paragraph = page.locator(".post-body > p:not(:has(.back-button))").first.bounding_box()
    assert first_paragraph["y"] < PHONE["height"], "the essay's first line is below the first screen"
    # The search box lives on /search/ alone; the header has a link to it.
    expect(page.locator('.site-header input[type="search"]')).to_have_count(0)
    expect(page.locator(".site-header").get_by_role("link", name="Search")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_phone_menu_opens_and_leads_on(new_context, demo_posts, javascript):
    page = new_context(width=PHONE["width"], java_script_enabled=javascript).new_page()
    page.goto("/")
    archive = page.locator(".site-menu").get_by_role("link", name="Archive")
    expect(archive).to_be_hidden()
    page.locator(".site-menu summary").click()
    expect(archive).to_be_visible()
    archive.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Archive")


def test_the_home_page_introduces_the_site_in_the_writers_words(page, demo_posts):
    SiteSettings(tagline="Small kindnesses, written down.", introduction="Essays for *tired* evenings.").save()
    page.goto("/")
    expect(page.locator(".intro .standfirst")).to_have_text("Small kindnesses, written down.")
    expect(page.locator(".intro-text em")).to_have_text("tired")
    page.locator(".site-footer").get_by_role("link", name="About").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About")
