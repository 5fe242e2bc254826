"""In a browser: a member turns on the replies summary on the account page; a member without a password
logs in with an emailed code.

Screenshots go to ``NOTICE_SHOTS`` when it names a folder (to look at them).
"""

import os
import re

import pytest
from playwright.sync_api import expect

from e2e.browser import WIDTHS, axe_violations, log_in
from responses.models import Notices
from subscriptions import services as subscriptions

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("NOTICE_SHOTS", "")


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{page.viewport_size['width']}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS.values())
def test_a_member_turns_on_the_replies_summary(new_context, member, live_server, width):
    context = new_context(width=width)
    log_in(context, member, live_server.url)
    page = context.new_page()
    page.goto("/accounts/#email-notices")
    section = page.locator("#email-notices")
    summary = section.get_by_label("A daily summary of replies to my responses")
    expect(summary).not_to_be_checked()
    expect(section.get_by_label("Moderation emails")).to_have_count(0)
    summary.check()
    shoot(page, "account-notices")
    section.get_by_role("button", name="Save email choices").click()
    expect(page.get_by_text("Your email choices are saved.")).to_be_visible()
    expect(page.locator("#email-notices").get_by_label("A daily summary of replies to my responses")).to_be_checked()
    assert Notices.objects.get(user=member).replies
    shoot(page, "account-notices-saved")
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS.values())
def test_a_member_without_a_password_logs_in_with_a_code(new_context, mailoutbox, live_server, width):
    follower = subscriptions.confirm_subscription(email="follower@example.com").user
    assert not follower.has_usable_password()
    page = new_context(width=width).new_page()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Email me a login code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in with a code")
    page.get_by_label("Email").fill("follower@example.com")
    shoot(page, "login-code-request")
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Type your login code")
    shoot(page, "login-code-confirm")
    assert axe_violations(page) == []

    (message,) = mailoutbox
    code = re.search(r"^([A-Z0-9-]{6,12})$", message.body, re.MULTILINE)[1]
    page.get_by_label("Your login code").fill(code)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.goto("/accounts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("follower@example.com").first).to_be_visible()
