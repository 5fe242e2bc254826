"""The member journey with the keyboard alone: Tab, Shift+Tab, Enter and Space (and typing into fields).

No clicks anywhere. Opening the emailed confirmation link is the one address typed into the browser,
as a person would follow it from their mail.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Favourite
from e2e.browser import tab_to
from e2e.journey import EMAIL, NOTE, PASSWORD, assert_export, emailed_path

pytestmark = pytest.mark.e2e


def saved_item(slug: str) -> str:
    return f'.saved-item:has(a[href$="/posts/{slug}/"])'


def test_member_journey_with_the_keyboard_only(page, demo_posts, django_user_model, mailoutbox, tmp_path):
    from_post, from_list = demo_posts[0], demo_posts[1]

    # Sign up.
    page.goto("/")
    tab_to(page, ".site-nav a.login-link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/accounts/login/"))
    tab_to(page, 'main a[href^="/accounts/signup/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    tab_to(page, 'input[name="email"]')
    page.keyboard.type(EMAIL)
    tab_to(page, 'input[name="password1"]')
    page.keyboard.type(PASSWORD)
    tab_to(page, 'input[name="password2"]')
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    page.goto(emailed_path(mailoutbox[0]))
    tab_to(page, 'main button[type="submit"]')
    page.keyboard.press("Enter")
    expect(page.locator(".account-menu summary")).to_be_visible()
    member = django_user_model.objects.get(email=EMAIL)

    # Save the second essay from the home page's list with Space.
    page.goto("/")
    save_in_list = f'form.save-form[data-save-url$="/posts/{from_list.slug}/save/"] button'
    tab_to(page, save_in_list)
    page.keyboard.press("Space")
    expect(page.locator(save_in_list)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#live-region")).to_contain_text(f"Saved “{from_list.title}”")

    # Back up the page (Shift+Tab) to the first essay, open it, and save it there.
    tab_to(page, f'.post-card-title a[href$="/posts/{from_post.slug}/"]', backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(from_post.title)
    tab_to(page, ".post-actions .save-button")
    page.keyboard.press("Space")
    expect(page.locator(".post-actions .save-button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#live-region")).to_contain_text(f"Saved “{from_post.title}”")
    assert Favourite.objects.filter(user=member).count() == 2

    # To /saved/ by the header (behind us: Shift+Tab), then a note on the piece.
    tab_to(page, ".account-menu summary", backwards=True)
    page.keyboard.press("Enter")  # opens the account menu
    tab_to(page, '.account-menu a[href="/saved/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your saved pieces")
    tab_to(page, f"{saved_item(from_post.slug)} .note-open")
    page.keyboard.press("Enter")
    tab_to(page, f"{saved_item(from_post.slug)} textarea")
    page.keyboard.type(NOTE)
    tab_to(page, f'{saved_item(from_post.slug)} .note-form button[type="submit"]')
    page.keyboard.press("Enter")
    expect(page.locator(f"{saved_item(from_post.slug)} .note-text")).to_have_text(f"Your note: {NOTE}")

    # Remove the other piece.
    tab_to(page, f"{saved_item(from_list.slug)} .remove-button")
    page.keyboard.press("Space")
    expect(page.locator("#live-region")).to_contain_text("Removed")

    # Download the data, then delete the account.
    tab_to(page, ".account-menu summary", backwards=True)
    page.keyboard.press("Enter")
    tab_to(page, '.account-menu a[href="/accounts/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    tab_to(page, 'a[href="/accounts/export/"]')
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    target = tmp_path / "my-data.json"
    download.value.save_as(target)
    assert_export(target, kept=from_post, removed=from_list)

    tab_to(page, 'main a[href="/accounts/delete/"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/accounts/delete/$"))
    tab_to(page, 'input[name="password"]')
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("deleted")
    assert not django_user_model.objects.filter(email=EMAIL).exists()
