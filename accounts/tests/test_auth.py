"""Accounts through allauth: sign up, log in by email, log out, passwords, and no account enumeration.

Also the way back: a reader who pressed "Save" before having an account ends up on that piece,
with it saved, after logging in or after signing up and following the emailed link.
"""

import re

import pytest
from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import pending
from accounts.models import Favourite
from accounts.tests.factories import PASSWORD, MemberFactory
from accounts.tests.helpers import reauthenticate
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another calm passphrase 7"
User = get_user_model()


def signup(client, email, password=NEW_PASSWORD, **extra):
    data = {"email": email, "password1": password, "password2": password, **extra}
    return client.post(reverse("account_signup"), data)


def login(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body)[1]


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Sign up ----------------------------------------------------------------------------------


def test_signup_creates_an_account_and_emails_a_link_that_logs_in():
    client = Client()
    response = signup(client, "New.Reader@Example.org")
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert user.email == "new.reader@example.org"
    assert user.check_password(NEW_PASSWORD)
    assert logged_in_user_id(client) is None
    assert len(mail.outbox) == 1
    confirm_path = link_in(mail.outbox[0])
    assert client.get(confirm_path).status_code == 200
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified


def test_signup_rejects_weak_or_mismatched_passwords():
    client = Client()
    response = signup(client, "a@example.org", password="12345678")
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    response = client.post(
        reverse("account_signup"), {"email": "a@example.org", "password1": NEW_PASSWORD, "password2": "different 1"}
    )
    assert response.status_code == 200
    assert not User.objects.exists()


def test_signup_answers_a_known_address_exactly_like_a_new_one():
    """No account enumeration: same status, same page, same message; the owner gets an email."""
    MemberFactory(email="known@example.org")
    known_client, new_client = Client(), Client()
    known = signup(known_client, "known@example.org")
    new = signup(new_client, "unknown@example.org")
    assert (known.status_code, known.url) == (new.status_code, new.url)
    known_page = known_client.get(known.url).content.decode().replace("known@example.org", "EMAIL")
    new_page = new_client.get(new.url).content.decode().replace("unknown@example.org", "EMAIL")
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", known_page) == strip.sub("", new_page)
    assert User.objects.filter(email="known@example.org").count() == 1
    assert {message.to[0] for message in mail.outbox} == {"known@example.org", "unknown@example.org"}
    to_owner = next(message for message in mail.outbox if message.to == ["known@example.org"])
    assert "already exists" in to_owner.body
    assert "/accounts/password/reset/" in to_owner.body


def test_signup_answers_a_known_address_the_same_whatever_its_case():
    MemberFactory(email="known@example.org")
    response = signup(Client(), "KNOWN@example.org")
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.count() == 1


def test_signup_caps_input_sizes_with_form_errors():
    client = Client()
    long_email = "a" * 250 + "@example.org"
    response = signup(client, long_email)
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    response = signup(client, "fine@example.org", password="x" * 10_000)
    assert response.status_code == 200
    assert "at most 256 characters" in str(response.context["form"].errors["password1"])
    assert not User.objects.exists()
    html = client.get(reverse("account_signup")).content.decode()
    assert 'maxlength="254"' in html
    assert 'maxlength="256"' in html


# --- Log in and out ---------------------------------------------------------------------------


def test_login_by_email_any_case(member):
    client = Client()
    response = login(client, "ANN@example.org")
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(member.pk)


def test_wrong_password_and_unknown_email_get_the_same_answer(member):
    wrong = login(Client(), member.email, password="not it at all")
    unknown = login(Client(), "nobody@example.org", password="not it at all")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_login_caps_input_sizes(member):
    response = login(Client(), member.email, password="p" * 100_000)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_logout_is_post_only(member_client, member):
    response = member_client.get(reverse("account_logout"))
    assert response.status_code == 200
    assert logged_in_user_id(member_client) == str(member.pk)
    assert b"Log out" in response.content
    response = member_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert logged_in_user_id(member_client) is None


def test_login_and_logout_need_csrf(member):
    client = Client(enforce_csrf_checks=True)
    assert login(client, member.email).status_code == 403
    client.force_login(member)
    assert client.post(reverse("account_logout")).status_code == 403
    assert logged_in_user_id(client) == str(member.pk)


def test_signup_and_password_reset_need_csrf():
    client = Client(enforce_csrf_checks=True)
    assert signup(client, "a@example.org").status_code == 403
    assert client.post(reverse("account_reset_password"), {"email": "a@example.org"}).status_code == 403
    assert not User.objects.exists()
    assert not mail.outbox


def test_login_ignores_an_off_site_next(member):
    response = login(Client(), member.email, next="https://evil.example/")
    assert response.status_code == 302
    assert response.url == reverse("blog:home")


def test_an_account_staff_made_logs_in_before_any_address_is_confirmed():
    """ACCOUNT_EMAIL_VERIFICATION="optional" (the default) only spares accounts made in the admin."""
    User.objects.create_user(email="made.by.staff@example.org", password=PASSWORD)
    client = Client()
    response = login(client, "made.by.staff@example.org")
    assert response.status_code == 302
    assert logged_in_user_id(client) is not None


def test_one_setting_makes_email_verification_mandatory(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    MemberFactory(email="unconfirmed@example.org", confirmed=False)
    client = Client()
    response = login(client, "unconfirmed@example.org")
    assert response.url == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None
    assert len(mail.outbox) == 1


def test_allauth_rate_limits_stay_on(settings):
    assert getattr(settings, "ACCOUNT_RATE_LIMITS", None) is not False
    limits = allauth_settings.RATE_LIMITS
    for action in ("login_failed", "signup", "reset_password", "confirm_email"):
        assert limits.get(action), action


# --- Passwords --------------------------------------------------------------------------------


def test_change_password(member_client, member):
    url = reverse("account_change_password")
    assert member_client.get(url).status_code == 200
    data = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = member_client.post(url, data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_change_password_needs_the_old_one(member_client, member):
    data = {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = member_client.post(reverse("account_change_password"), data)
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_password_reset_answers_known_and_unknown_addresses_the_same(member):
    known_client, unknown_client = Client(), Client()
    url = reverse("account_reset_password")
    known = known_client.post(url, {"email": member.email})
    unknown = unknown_client.post(url, {"email": "nobody@example.org"})
    done = reverse("account_reset_password_done")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url) == (302, done)
    assert known_client.get(known.url).content == unknown_client.get(unknown.url).content
    assert sorted(message.to[0] for message in mail.outbox) == ["ann@example.org", "nobody@example.org"]


def test_password_reset_by_email_link(member):
    client = Client()
    client.post(reverse("account_reset_password"), {"email": member.email})
    path = link_in(mail.outbox[0])
    response = client.get(path)
    assert response.status_code == 302  # allauth moves the key out of the URL into the session
    form_url = response.url
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert login(Client(), member.email, password=NEW_PASSWORD).status_code == 302


def test_passwords_are_checked_by_djangos_validators(settings):
    names = [validator["NAME"].rsplit(".", 1)[1] for validator in settings.AUTH_PASSWORD_VALIDATORS]
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator"} <= set(names)


# --- The way back to the piece ----------------------------------------------------------------


def test_login_after_pressing_save_returns_to_the_piece_with_it_saved(member, post):
    client = Client()
    response = client.post(reverse("accounts:save", args=[post.slug]))
    login_url = response.url
    assert client.get(login_url).status_code == 200
    response = client.post(login_url, {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == post.get_absolute_url()
    assert Favourite.objects.filter(user=member, post=post).exists()
    page = client.get(response.url)
    assert 'aria-pressed="true"' in page.content.decode()
    assert pending.SESSION_KEY not in client.session


def test_login_without_next_still_returns_to_the_saved_piece(member, post):
    client = Client()
    client.post(reverse("accounts:save", args=[post.slug]))
    response = login(client, member.email)
    assert response.url == post.get_absolute_url()
    assert Favourite.objects.filter(user=member, post=post).exists()


def test_signup_after_pressing_save_returns_to_the_piece_with_it_saved(post):
    client = Client()
    login_url = client.post(reverse("accounts:save", args=[post.slug])).url
    login_page = client.get(login_url).content.decode()
    # The login page's own "Create an account" link carries the way back.
    signup_url = re.search(r'href="(/accounts/signup/\?next=[^"]*)"', login_page)[1].replace("&amp;", "&")
    response = client.post(
        signup_url, {"email": "newcomer@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.url == reverse("account_email_verification_sent")
    assert not Favourite.objects.exists()
    confirm_path = link_in(mail.outbox[0])
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert response.url == post.get_absolute_url()
    user = User.objects.get(email="newcomer@example.org")
    assert Favourite.objects.filter(user=user, post=post).exists()
    assert logged_in_user_id(client) == str(user.pk)


def test_a_stale_or_unpublished_wish_is_not_granted(member, post, monkeypatch):
    client = Client()
    client.post(reverse("accounts:save", args=[post.slug]))
    post.status = post.Status.DRAFT
    post.save()
    response = login(client, member.email)
    assert response.url == reverse("blog:home")
    assert not Favourite.objects.exists()

    other = PostFactory()
    client = Client()
    client.post(reverse("accounts:save", args=[other.slug]))
    monkeypatch.setattr(pending, "MAX_AGE_SECONDS", -1)
    login(client, member.email)
    assert not Favourite.objects.exists()


def test_the_wish_is_granted_once(member, post):
    client = Client()
    client.post(reverse("accounts:save", args=[post.slug]))
    login(client, member.email)
    client.post(reverse("accounts:unsave", args=[post.slug]))
    client.post(reverse("account_logout"))
    login(client, member.email)
    assert not Favourite.objects.saved().exists()


# --- Every page a person can land on looks like the site --------------------------------------

ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
]
MEMBER_PAGES = ["account_email", "account_change_password", "account_logout", "account_reauthenticate"]


def assert_site_page(response):
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html
    assert "css/site.css" in html
    assert 'class="page-title"' in html
    assert "<style" not in html
    assert " style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)", html) is None


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_allauth_pages_use_the_site_layout(client, name):
    assert_site_page(client.get(reverse(name)))


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_allauth_member_pages_use_the_site_layout(member_client, name):
    assert_site_page(member_client.get(reverse(name)))


def test_password_reset_key_and_email_confirm_pages_use_the_site_layout(member):
    client = Client()
    client.post(reverse("account_reset_password"), {"email": member.email})
    form_url = client.get(link_in(mail.outbox[0])).url
    assert_site_page(client.get(form_url))
    assert_site_page(client.get("/accounts/password/reset/key/1-bad-key/"))
    assert_site_page(client.get("/accounts/confirm-email/not-a-key/"))
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert_site_page(client.get(reverse("account_reset_password_from_key_done")))


# --- Email addresses (see test_account_security.py for what another account's address does) -------


def test_add_a_second_email_address(member_client, member):
    reauthenticate(member_client)
    response = member_client.post(reverse("account_email"), {"action_add": "", "email": "Ann.Two@example.org"})
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=member, email="ann.two@example.org", verified=False).exists()
    assert mail.outbox[-1].to == ["ann.two@example.org"]
