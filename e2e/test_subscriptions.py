"""Following by email in a browser: subscribe, confirm from the email, choose weekly, leave in one click.

The confirmation email is sent by django-tasks-db's own worker, run in this process against the live
server's database, as `make run` runs it beside the site.
"""

import os
import re

import pytest
from playwright.sync_api import expect

from e2e.browser import WIDTHS
from subscriptions.models import Subscriber
from subscriptions.tests.factories import run_worker

pytestmark = pytest.mark.e2e

EMAIL = "follower@example.com"
SHOTS = os.environ.get("SUBSCRIPTION_SHOTS", "")


def emailed_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/subscribe/confirm/\S+/)", message.body)[1]


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{page.viewport_size['width']}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS.values())
def test_subscribe_confirm_choose_weekly_and_unsubscribe_with_one_click(new_context, demo_posts, mailoutbox, width):
    page = new_context(width=width).new_page()
    page.goto("/subscribe/")
    shoot(page, "subscribe")
    page.get_by_label("Your email address").fill(EMAIL)
    page.get_by_role("button", name="Send me a confirmation link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert not Subscriber.objects.exists()

    run_worker()
    (message,) = mailoutbox
    assert message.to == [EMAIL]
    page.goto(emailed_path(message))
    shoot(page, "confirm")
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect(page.get_by_text("You are subscribed.")).to_be_visible()
    assert Subscriber.objects.get().frequency == Subscriber.Frequency.EACH

    page.get_by_label("A weekly digest").check()
    shoot(page, "manage")
    page.get_by_role("button", name="Save my choice").click()
    expect(page.get_by_text("Saved. You will receive a weekly digest.")).to_be_visible()
    assert Subscriber.objects.get().frequency == Subscriber.Frequency.WEEKLY

    page.get_by_role("link", name="Unsubscribe from all emails").click()
    shoot(page, "unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    shoot(page, "unsubscribed")
    assert Subscriber.objects.get().frequency == Subscriber.Frequency.OFF


def test_a_member_chooses_tags_on_the_account_page(member_page, member, demo_posts):
    subscriber = Subscriber.objects.create(email=member.email, user=member)
    page = member_page
    page.goto("/accounts/")
    tags = page.locator(".subscription-tags")
    expect(tags).not_to_have_attribute("open", "")
    page.get_by_label("Only essays with the tags I choose").check()
    # The list of tags opens by itself once that choice is made.
    expect(tags).to_have_attribute("open", "")
    tag = demo_posts[0].tags.order_by("name").first()
    tags.get_by_label(tag.name, exact=True).check()
    shoot(page, "account")
    page.get_by_role("button", name="Save my choice").click()
    expect(page.get_by_text("Saved. You will receive the essays with the tags you chose.")).to_be_visible()
    subscriber.refresh_from_db()
    assert subscriber.frequency == Subscriber.Frequency.TAGS
    assert list(subscriber.tags.all()) == [tag]
