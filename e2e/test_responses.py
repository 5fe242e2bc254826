"""Responses in a real browser: respond with and without JavaScript, see it held, staff approve it in the
admin, a reader sees it; reply; edit within the window; report "someone may be at risk"."""

import pytest
from playwright.sync_api import expect

from e2e.browser import log_in
from responses.models import Response, SupportResource
from responses.tests.factories import make_member, make_response

pytestmark = pytest.mark.e2e


def _approve_in_admin(new_context, staff, live_server, body):
    context = new_context()
    log_in(context, staff, live_server.url)
    admin = context.new_page()
    admin.goto("/admin/responses/response/?queue=waiting")
    row = admin.locator("#result_list tr", has_text=body)
    row.get_by_role("button", name="Approve").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 response")


def test_respond_with_javascript_held_then_approved_then_read(
    page, new_context, demo_posts, member, staff, live_server
):
    post = demo_posts[0]
    log_in(page.context, member, live_server.url)
    page.goto(post.get_absolute_url())
    page.evaluate("() => { window.__samePage = true; }")
    page.get_by_label("Your display name").fill("Rosa")
    body = page.get_by_label("Your response")
    body.fill("Thank you for this gentle piece.")
    expect(page.locator(".char-counter")).to_have_text("4,968 characters left")
    page.get_by_role("button", name="Share your response").click()
    held = page.locator("article.response", has_text="Thank you for this gentle piece.")
    expect(held.locator(".badge-held")).to_have_text("Waiting for a kind look")
    expect(page.locator("#live-region")).to_contain_text("waiting for a kind look")
    assert page.evaluate("() => window.__samePage === true")
    assert Response.objects.get().is_held

    _approve_in_admin(new_context, staff, live_server, "Thank you for this gentle piece.")

    reader = new_context().new_page()
    reader.goto(post.get_absolute_url())
    expect(reader.locator("article.response", has_text="Thank you for this gentle piece.")).to_contain_text("Rosa")


def test_respond_without_javascript(new_context, demo_posts, member, live_server):
    context = new_context(java_script_enabled=False)
    log_in(context, member, live_server.url)
    page = context.new_page()
    post = demo_posts[0]
    page.goto(post.get_absolute_url())
    page.get_by_label("Your display name").fill("Sam")
    page.get_by_label("Your response").fill("Written without scripts.")
    page.get_by_role("button", name="Share your response").click()
    response = Response.objects.get()
    assert page.url.endswith(f"{post.get_absolute_url()}#response-{response.pk}")
    expect(page.locator(f"#response-{response.pk} .badge-held")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("waiting for a kind look")


def test_reply_in_place(page, demo_posts, member, live_server):
    post = demo_posts[0]
    top = make_response(post=post, author=make_member("Ivy"), body="Where do you find the quiet?")
    make_response(post=demo_posts[1], author=member)  # approved before: trusted
    from responses.models import Responder

    Responder.objects.create(user=member, display_name="Theo")
    log_in(page.context, member, live_server.url)
    page.goto(post.get_absolute_url())
    page.locator(f"#response-{top.pk}").get_by_role("link", name="Reply").click()
    expect(page.locator("[data-replying]")).to_contain_text("Replying to Ivy")
    expect(page.get_by_label("Your response")).to_be_focused()
    page.get_by_label("Your response").fill("In the early morning.")
    page.get_by_role("button", name="Share your response").click()
    expect(page.locator(f"#replies-{top.pk}")).to_contain_text("In the early morning.")
    assert Response.objects.get(body="In the early morning.").parent == top


def test_edit_within_the_window_in_place(page, demo_posts, member, live_server):
    post = demo_posts[0]
    from responses.models import Responder

    Responder.objects.create(user=member, display_name="Una")
    mine = make_response(post=post, author=member, body="First thoughts.")
    log_in(page.context, member, live_server.url)
    page.goto(post.get_absolute_url())
    page.evaluate("() => { window.__samePage = true; }")
    page.locator(f"#response-{mine.pk}").get_by_role("link", name="Edit").click()
    editing = page.get_by_label("Edit your response")
    expect(editing).to_have_value("First thoughts.")
    expect(editing).to_be_focused()
    editing.fill("Second, kinder thoughts.")
    page.get_by_role("button", name="Save changes").click()
    article = page.locator(f"#response-{mine.pk}")
    expect(article).to_contain_text("Second, kinder thoughts.")
    expect(article.locator(".response-edited")).to_have_text("edited")
    expect(page.get_by_label("Edit your response")).to_have_count(0)
    assert page.evaluate("() => window.__samePage === true")
    mine.refresh_from_db()
    assert mine.body == "Second, kinder thoughts." and mine.edited_at is not None


def test_edit_without_javascript_on_its_own_page(new_context, demo_posts, member, live_server):
    post = demo_posts[0]
    from responses.models import Responder

    Responder.objects.create(user=member, display_name="Una")
    mine = make_response(post=post, author=member, body="First thoughts.")
    context = new_context(java_script_enabled=False)
    log_in(context, member, live_server.url)
    page = context.new_page()
    page.goto(post.get_absolute_url())
    page.locator(f"#response-{mine.pk}").get_by_role("link", name="Edit").click()
    page.get_by_label("Your response").fill("Second, kinder thoughts.")
    page.get_by_role("button", name="Save changes").click()
    article = page.locator(f"#response-{mine.pk}")
    expect(article).to_contain_text("Second, kinder thoughts.")
    expect(article.locator(".response-edited")).to_have_text("edited")


def test_report_someone_at_risk_then_the_support_page(page, demo_posts, member, live_server):
    SupportResource.objects.create(name="Night Line", description="Someone to talk to", phone="0800 000 000")
    post = demo_posts[0]
    theirs = make_response(post=post, author=make_member("Kit"), body="I can't go on.")
    log_in(page.context, member, live_server.url)
    page.goto(post.get_absolute_url())
    page.locator(f"#response-{theirs.pk}").get_by_role("link", name="Report").click()
    page.get_by_label("someone may be at risk").check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    expect(page.locator(".support-list")).to_contain_text("Night Line")
