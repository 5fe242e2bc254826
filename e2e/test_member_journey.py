"""A member's whole journey, as a person with a mouse makes it: sign up, save from a list and from the
essay, write a note, remove a piece, download their data, delete the account.

(The save/note basics and the no-JavaScript save are pinned by e2e/test_members.py; this is the
journey end to end, and e2e/test_keyboard.py makes the same one without a mouse.)
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Favourite
from e2e.journey import EMAIL, NOTE, PASSWORD, assert_export, emailed_path

pytestmark = pytest.mark.e2e


def card_save_button(page, post):
    return page.locator(f'form.save-form[data-save-url$="/posts/{post.slug}/save/"] button')


def test_member_journey_with_a_mouse(page, demo_posts, django_user_model, mailoutbox, tmp_path):
    from_list, from_post = demo_posts[1], demo_posts[0]

    # Sign up: from the header's "Log in", then the login page's way to create an account.
    page.goto("/")
    page.locator(".site-header").get_by_role("link", name="Log in").click()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    page.goto(emailed_path(mailoutbox[0]))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".account-menu summary")).to_have_text("Account")
    member = django_user_model.objects.get(email=EMAIL)

    # Save one piece from the home page's list, without a reload.
    page.goto("/")
    page.evaluate("() => { window.__samePage = true; }")
    card_save_button(page, from_list).click()
    expect(card_save_button(page, from_list)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#live-region")).to_contain_text(f"Saved “{from_list.title}”")
    assert page.evaluate("() => window.__samePage === true")

    # …and one from the essay itself.
    page.get_by_role("link", name=from_post.title, exact=True).click()
    # Clicked before save.js runs, the form posts the old way and the page reloads without a word.
    page.wait_for_url(f"**{from_post.get_absolute_url()}")
    page.locator(".post-actions").get_by_role("button", name="Save").click()
    expect(page.locator(".post-actions .save-button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#live-region")).to_contain_text("Saved")
    assert set(Favourite.objects.filter(user=member).values_list("post__slug", flat=True)) == {
        from_list.slug,
        from_post.slug,
    }

    # A private note on one of them, written in place on /saved/.
    page.locator(".account-menu summary").click()
    page.locator(".account-menu").get_by_role("link", name="Saved pieces").click()
    item = page.locator(".saved-item", has_text=from_post.title)
    # Clicked before saved.js runs, "Add a note" opens the note's own page: wait for the script.
    page.wait_for_load_state()
    item.locator(".note-open").click()
    item.get_by_label("Your private note").fill(NOTE)
    item.get_by_role("button", name="Save note").click()
    expect(item.locator(".note-text")).to_have_text(f"Your note: {NOTE}")
    expect(page.locator("#live-region")).to_contain_text("Note saved")

    # Remove the other one: "Removed · Undo" in its place; after a reload it is gone.
    page.locator(".saved-item", has_text=from_list.title).get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.locator("#live-region")).to_contain_text("Removed")
    expect(
        page.locator(".saved-item", has_text=from_list.title).get_by_role("button", name=re.compile("^Undo"))
    ).to_be_focused()
    page.reload()
    expect(page.locator(".saved-item")).to_have_count(1)
    expect(page.locator(".saved-item-title")).to_have_text(from_post.title)

    # Download everything the site keeps about them.
    page.locator(".account-menu summary").click()
    page.locator(".account-menu").get_by_role("link", name="Your account").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    target = tmp_path / "my-data.json"
    download.value.save_as(target)
    assert_export(target, kept=from_post, removed=from_list)

    # Delete the account: asks for the password, then everything of theirs is gone.
    page.get_by_role("link", name="Delete my account").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.locator(".messages")).to_contain_text("deleted")
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    assert not django_user_model.objects.filter(email=EMAIL).exists()
    assert not Favourite.objects.filter(user_id=member.pk).exists()
