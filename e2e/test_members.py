"""Members in a real browser: sign up, save without a reload, notes in place, and the same without JavaScript.

The basics of issue 3 pinned one by one; e2e/test_member_journey.py walks the whole journey.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts import services
from accounts.models import Favourite
from accounts.tests.factories import PASSWORD
from e2e.browser import log_in

pytestmark = pytest.mark.e2e

NEW_EMAIL = "first.visit@example.com"
NEW_PASSWORD = "kind words and slow walks 3"


def emailed_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body)[1]


def mark_page(page) -> None:
    """Leave a marker in the page's JavaScript world: a reload or navigation would wipe it."""
    page.evaluate("() => { window.__stillHere = true; }")


def assert_same_page(page) -> None:
    assert page.evaluate("() => window.__stillHere === true"), "the page reloaded"


def save_button(page):
    return page.locator(".post-actions .save-button")


def test_sign_up_save_see_it_in_saved_write_a_note_remove_it(page, demo_posts, mailoutbox, django_user_model):
    wished, later = demo_posts[0], demo_posts[2]

    # A reader presses Save before having an account: a page says what happens, then log in, then
    # "Create an account".
    page.goto(wished.get_absolute_url())
    page.locator(".post-actions").get_by_role("link", name=re.compile("^Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Log in to save “{wished.title}”")
    page.get_by_role("button", name="Log in to save it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill(NEW_EMAIL)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    # The emailed link logs them in and brings them back to the piece, saved.
    page.goto(emailed_path(mailoutbox[-1]))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(re.escape(wished.get_absolute_url()) + "$"))
    expect(save_button(page)).to_have_attribute("aria-pressed", "true")
    member = django_user_model.objects.get(email=NEW_EMAIL)
    assert Favourite.objects.filter(user=member, post=wished).exists()

    # Open another post and save it without a page reload.
    page.goto(later.get_absolute_url())
    mark_page(page)
    expect(save_button(page)).to_have_attribute("aria-pressed", "false")
    save_button(page).click()
    expect(save_button(page)).to_have_attribute("aria-pressed", "true")
    expect(save_button(page)).to_contain_text("Saved")
    expect(page.locator("#live-region")).to_have_text(f"Saved “{later.title}”.")
    assert_same_page(page)
    assert Favourite.objects.filter(user=member, post=later).exists()

    # See it in /saved/, newest first.
    page.locator(".account-menu summary").click()
    page.locator(".account-menu").get_by_role("link", name="Saved pieces").click()
    expect(page.locator(".saved-item-title")).to_have_text([later.title, wished.title])

    # Write a private note in place (once saved.js runs: before it, the link opens the note's page).
    page.wait_for_load_state()
    mark_page(page)
    item = page.locator(".saved-item", has_text=later.title)
    item.locator(".note-open").click()
    item.get_by_label("Your private note").fill("For the evenings.\nSlowly.")
    item.get_by_role("button", name="Save note").click()
    expect(item.locator(".note-body")).to_have_text("For the evenings.Slowly.")
    expect(item.locator(".note-editor")).to_be_hidden()
    expect(item.locator(".note-open")).to_be_focused()
    # Opened again, the editor holds the note as written, line break and all.
    item.locator(".note-open").click()
    expect(item.get_by_label("Your private note")).to_have_value("For the evenings.\nSlowly.")
    item.locator(".note-open").click()
    expect(page.locator("#live-region")).to_contain_text("Note saved")
    assert_same_page(page)
    assert Favourite.objects.get(user=member, post=later).note == "For the evenings.\nSlowly."

    # Remove it: "Removed · Undo" in its place until the next visit; the note is kept.
    item.get_by_role("button", name=re.compile("^Remove")).click()
    expect(item.locator(".saved-removed")).to_contain_text(f"Removed “{later.title}”")
    expect(page.locator("#live-region")).to_contain_text("Removed")
    assert_same_page(page)
    assert not Favourite.objects.saved().filter(user=member, post=later).exists()
    page.reload()
    expect(page.locator(".saved-item-title")).to_have_text([wished.title])


def test_save_and_note_without_javascript(new_context, demo_posts, member, live_server):
    post = demo_posts[1]
    context = new_context(java_script_enabled=False)
    log_in(context, member, live_server.url)
    page = context.new_page()

    page.goto(post.get_absolute_url())
    save_button(page).click()
    # A full round trip: POST, then redirected back to the same piece, now saved.
    expect(page).to_have_url(re.compile(re.escape(post.get_absolute_url()) + "$"))
    expect(save_button(page)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".messages")).to_contain_text(f"Saved “{post.title}”")
    assert Favourite.objects.filter(user=member, post=post).count() == 1

    page.goto("/saved/")
    item = page.locator(".saved-item", has_text=post.title)
    # Without JavaScript "Add a note" is a link to the note's own page, which returns to the row.
    item.locator(".note-open").click()
    page.get_by_label("Your private note").fill("Without any script at all.")
    page.get_by_role("button", name="Save note").click()
    expect(page).to_have_url(re.compile(r"/saved/#saved-"))
    expect(page.locator(".saved-item", has_text=post.title).locator(".note-body")).to_have_text(
        "Without any script at all."
    )

    page.goto(post.get_absolute_url())
    save_button(page).click()
    expect(save_button(page)).to_have_attribute("aria-pressed", "false")
    assert not Favourite.objects.saved().filter(user=member, post=post).exists()


def test_login_form_returns_to_the_piece_with_it_saved(page, demo_posts, member):
    post = demo_posts[3]
    page.goto(post.get_absolute_url())
    page.locator(".post-actions").get_by_role("link", name=re.compile("^Save")).click()
    page.get_by_role("button", name="Log in to save it").click()
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(post.get_absolute_url()) + "$"))
    expect(save_button(page)).to_have_attribute("aria-pressed", "true")
    assert Favourite.objects.filter(user=member, post=post).exists()


def test_a_double_click_ends_in_the_state_chosen_last(member_page, demo_posts, member):
    post = demo_posts[0]
    page = member_page
    page.goto(post.get_absolute_url())
    save_button(page).dblclick()
    expect(save_button(page)).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#live-region")).to_contain_text("Removed")
    page.wait_for_load_state("networkidle")
    assert not Favourite.objects.saved().filter(user=member, post=post).exists()
    save_button(page).click(click_count=3)
    expect(page.locator("#live-region")).to_contain_text("Saved")
    expect(save_button(page)).to_have_attribute("aria-pressed", "true")
    page.wait_for_load_state("networkidle")
    assert Favourite.objects.filter(user=member, post=post).count() == 1


def test_when_the_quiet_request_fails_the_form_is_sent_the_ordinary_way(member_page, demo_posts, member):
    post = demo_posts[0]
    page = member_page

    def refuse_fetch(route):
        if route.request.headers.get("accept") == "application/json":
            route.abort()
        else:
            route.continue_()

    page.route("**/save/", refuse_fetch)
    page.goto(post.get_absolute_url())
    save_button(page).click()
    expect(page.locator(".messages")).to_contain_text(f"Saved “{post.title}”")
    expect(save_button(page)).to_have_attribute("aria-pressed", "true")
    assert Favourite.objects.filter(user=member, post=post).exists()


def saved_item(page, post):
    return page.locator(".saved-item", has_text=post.title)


def test_an_over_long_note_is_counted_then_refused_never_cut(member_page, demo_posts, member):
    post = demo_posts[0]
    services.note_set(favourite=services.favourite_add(user=member, post=post), note="What was there.")
    page = member_page
    page.goto("/saved/")
    item = saved_item(page, post)
    item.locator(".note-open").click()
    textarea = item.get_by_label("Your private note")
    counter = item.locator(".note-count")
    expect(counter).to_have_text("15 of 2000 characters")
    # Pasted, as a person would: the browser keeps every character (no maxlength cuts it).
    textarea.fill("x" * 2001)
    expect(textarea).to_have_value("x" * 2001)
    expect(counter).to_have_text("2001 of 2000 characters: 1 too many")
    expect(counter).to_have_class(re.compile("is-over"))
    expect(textarea).to_have_attribute("aria-invalid", "true")
    item.get_by_role("button", name="Save note").click()
    expect(item.locator(".note-errors")).to_contain_text("up to 2,000 characters; this one has 2,001")
    expect(textarea).to_be_focused()
    expect(textarea).to_have_value("x" * 2001)  # still all there to shorten
    assert Favourite.objects.get(user=member, post=post).note == "What was there."
    textarea.press("End")
    textarea.press("Backspace")
    expect(counter).to_have_text("2000 of 2000 characters")


def test_remove_then_undo_brings_back_the_note(member_page, demo_posts, member):
    post = demo_posts[0]
    services.note_set(favourite=services.favourite_add(user=member, post=post), note="Keep these words.")
    page = member_page
    page.goto("/saved/")
    mark_page(page)
    item = saved_item(page, post)
    item.get_by_role("button", name=re.compile("^Remove")).click()
    undo = item.get_by_role("button", name=re.compile("^Undo"))
    expect(undo).to_be_focused()
    expect(item.locator(".saved-removed")).to_contain_text("your note is kept")
    expect(item.locator(".note-text")).to_be_hidden()
    undo.click()
    expect(item.locator(".note-body")).to_have_text("Keep these words.")
    expect(item.locator(".saved-item-title")).to_be_visible()
    expect(page.locator("#live-region")).to_contain_text("is back in your saved pieces")
    assert_same_page(page)
    page.reload()
    expect(saved_item(page, post).locator(".note-body")).to_have_text("Keep these words.")


def test_when_the_quiet_remove_fails_the_page_form_is_sent_the_ordinary_way(member_page, demo_posts, member):
    """The Remove button sends the page's one form (the rows are kept drawn, without a token): sent the
    ordinary way, it goes to the button's own address, and the Undo notice follows."""
    post = demo_posts[3]
    services.note_set(favourite=services.favourite_add(user=member, post=post), note="Mine still.")
    page = member_page

    def refuse_fetch(route):
        if route.request.headers.get("accept") == "application/json":
            route.abort()
        else:
            route.continue_()

    page.route("**/remove/", refuse_fetch)
    page.goto("/saved/")
    saved_item(page, post).get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.locator(".saved-removed")).to_contain_text(f"Removed “{post.title}”; your note is kept")
    assert "removed=" in page.url
    assert not Favourite.objects.saved().filter(user=member, post=post).exists()


def test_remove_then_save_again_brings_back_the_note(member_page, demo_posts, member):
    post = demo_posts[1]
    services.note_set(favourite=services.favourite_add(user=member, post=post), note="Still mine.")
    page = member_page
    page.goto("/saved/")
    saved_item(page, post).get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.locator("#live-region")).to_contain_text("Removed")
    page.goto(post.get_absolute_url())
    expect(save_button(page)).to_have_attribute("aria-pressed", "false")
    save_button(page).click()
    expect(save_button(page)).to_have_attribute("aria-pressed", "true")
    page.wait_for_load_state("networkidle")
    page.goto("/saved/")
    expect(saved_item(page, post).locator(".note-body")).to_have_text("Still mine.")


def test_remove_and_undo_without_javascript(new_context, demo_posts, member, live_server):
    post = demo_posts[2]
    services.note_set(favourite=services.favourite_add(user=member, post=post), note="No script needed.")
    context = new_context(java_script_enabled=False)
    log_in(context, member, live_server.url)
    page = context.new_page()
    page.goto("/saved/")
    saved_item(page, post).get_by_role("button", name=re.compile("^Remove")).click()
    notice = page.locator(".saved-removed")
    expect(notice).to_contain_text(f"Removed “{post.title}”")
    notice.get_by_role("button", name=re.compile("^Undo")).click()
    expect(page.locator(".messages")).to_contain_text("is back in your saved pieces")
    expect(saved_item(page, post).locator(".note-body")).to_have_text("No script needed.")
