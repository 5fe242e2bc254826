"""A reader who never logs in: finds an essay from the home page, follows a tag, reads, subscribes."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PAGE_WEIGHT_LIMIT = 64 * 1024


def test_reader_finds_follows_a_tag_reads_and_subscribes(page, demo_posts):
    newest, second = demo_posts[0], demo_posts[1]

    page.goto("/")
    expect(page.get_by_role("heading", level=2, name="Recent essays")).to_be_visible()
    page.get_by_role("link", name=second.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)

    # Follow a tag from the essay to everything else that carries it.
    page.locator(".post-actions").get_by_role("link", name="Self-Compassion").click()
    expect(page).to_have_url(re.compile("/tags/self-compassion/$"))
    expect(page.locator(".post-card-title")).to_have_text([newest.title, second.title])

    # Read the essay: title, body, the playlist link-button, and the way on to older pieces.
    page.get_by_role("link", name=newest.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(newest.title)
    expect(page.locator(".post-body")).to_contain_text("Most of us were taught that rest is a prize.")
    expect(page.get_by_role("link", name="Quiet evenings playlist")).to_be_visible()
    page.get_by_role("link", name=re.compile(f"Previous\\s+{second.title}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)

    # Subscribe: every page announces the feed, and the feed answers with the essays.
    feed = page.locator('head link[rel="alternate"][type="application/atom+xml"]').first
    feed_url = feed.get_attribute("href")
    response = page.request.get(feed_url)
    assert response.ok
    assert "xml" in response.headers["content-type"]
    assert newest.title in response.text()

    # A reader who only reads is never given a cookie.
    assert page.context.cookies() == []


def test_tag_page_announces_its_own_feed(page, demo_posts):
    page.goto("/tags/rest/")
    hrefs = page.locator('head link[rel="alternate"]').evaluate_all("(links) => links.map((l) => l.href)")
    assert any(href.endswith("/tags/rest/feed.xml") for href in hrefs)
    assert page.request.get("/tags/rest/feed.xml").ok


def test_reader_searches_from_the_header(page, demo_posts):
    page.goto("/")
    page.locator(".site-header").get_by_role("link", name="Search").click()
    page.get_by_role("searchbox", name="Words to look for").fill("rituals")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=rituals"))
    expect(page.locator("main")).to_contain_text(demo_posts[2].title)


def test_post_page_is_light_and_downloads_no_fonts(new_context, demo_posts, member, live_server):
    """HTML + CSS + JS of a post page stay under 64 KB uncompressed, for readers and members alike."""
    from e2e.browser import log_in

    for logged_in in (False, True):
        context = new_context()
        if logged_in:
            log_in(context, member, live_server.url)
        page = context.new_page()
        seen = []
        page.on("requestfinished", lambda request, seen=seen: seen.append(request))
        page.goto(demo_posts[0].get_absolute_url(), wait_until="networkidle")
        kinds = {request.resource_type for request in seen}
        assert "font" not in kinds
        weight = sum(
            len(request.response().body())
            for request in seen
            if request.resource_type in {"document", "stylesheet", "script"}
        )
        assert 0 < weight < PAGE_WEIGHT_LIMIT, f"{weight} bytes (logged in: {logged_in})"
        assert all(request.url.startswith(live_server.url) for request in seen), "nothing from other origins"
