"""Nobody gets into someone else's account through an address they typed but never proved they read.

Each test drives the real pages (sign-up, login, password reset, the email page) as the audit did.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import Favourite
from accounts.tests.factories import PASSWORD, FavouriteFactory
from accounts.tests.helpers import (
    NEW_PASSWORD,
    CountingHasher,
    link_in,
    logged_in_user_id,
    login,
    reauthenticate,
    signup,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
OWNER = "owner@example.org"
RESET_LINK = "/accounts/password/reset/key/"


def add_address(client, email):
    return client.post(reverse("account_email"), {"action_add": "", "email": email})


def mails_to(email):
    return [message for message in mail.outbox if message.to == [email]]


@pytest.fixture
def squatter(other_member):
    """Bea adds an address she does not own (the owner's) and never confirms it."""
    client = Client()
    client.force_login(other_member)
    reauthenticate(client)
    assert add_address(client, OWNER).status_code == 302
    assert EmailAddress.objects.filter(user=other_member, email=OWNER, verified=False).exists()
    FavouriteFactory(user=other_member, note="Bea's private words")
    mail.outbox.clear()
    cache.clear()  # as if the three minutes allauth waits between confirmation emails to one address had passed
    return client


# --- 2. An address merely added opens no account and blocks nobody ------------------------------


def test_a_reset_for_an_address_someone_merely_added_sends_no_link(squatter, other_member):
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": OWNER})
    assert response.url == reverse("account_reset_password_done")
    (message,) = mails_to(OWNER)
    assert RESET_LINK not in message.body
    assert link_in(message) is None or RESET_LINK not in link_in(message)
    assert logged_in_user_id(client) is None


def test_the_reset_page_answers_the_same_for_a_merely_added_address(squatter, member):
    url = reverse("account_reset_password")
    added, confirmed = Client(), Client()
    added_response = added.post(url, {"email": OWNER})
    confirmed_response = confirmed.post(url, {"email": member.email})
    assert (added_response.status_code, added_response.url) == (confirmed_response.status_code, confirmed_response.url)
    assert added.get(added_response.url).content == confirmed.get(confirmed_response.url).content


def test_a_reset_still_reaches_confirmed_addresses_and_accounts_staff_made(member):
    User.objects.create_user(email="made.by.staff@example.org", password=PASSWORD)
    for email in (member.email, "made.by.staff@example.org"):
        Client().post(reverse("account_reset_password"), {"email": email})
        assert RESET_LINK in link_in(mails_to(email)[-1])


def test_an_address_someone_merely_added_never_blocks_its_owner_signing_up(squatter, other_member):
    owner = Client()
    response = signup(owner, OWNER)
    assert response.url == reverse("account_email_verification_sent")
    (message,) = mails_to(OWNER)
    owner.post(link_in(message))
    account = User.objects.get(email=OWNER)
    assert account != other_member
    assert logged_in_user_id(owner) == str(account.pk)
    assert not Favourite.objects.filter(user=account).exists()
    # The owner's address is theirs now: Bea's unconfirmed copy can never be confirmed.
    assert not EmailAddress.objects.filter(user=other_member, email=OWNER, verified=True).exists()


def test_a_sign_up_nobody_confirmed_never_blocks_the_owner(db):
    """Someone signs up with the owner's address; the owner, signing up later, gets their own account."""
    signup(Client(), OWNER, password="the squatter's passphrase")
    mail.outbox.clear()
    cache.clear()  # the three minutes between confirmation emails to one address
    owner = Client()
    signup(owner, OWNER)
    (message,) = mails_to(OWNER)
    owner.post(link_in(message))
    account = User.objects.get(email=OWNER)
    assert logged_in_user_id(owner) == str(account.pk)
    assert account.check_password(NEW_PASSWORD)
    assert login(Client(), OWNER, password="the squatter's passphrase").status_code == 200


# --- 5. An account made by sign-up waits for its link ---------------------------------------------


def test_an_account_made_by_sign_up_cannot_log_in_before_its_address_is_confirmed(db):
    signup(Client(), OWNER, password="the squatter's passphrase")
    client = Client()
    response = login(client, OWNER, password="the squatter's passphrase")
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None


def test_once_confirmed_the_account_logs_in(db):
    client = Client()
    signup(client, OWNER)
    client.post(link_in(mails_to(OWNER)[0]))
    client.post(reverse("account_logout"))
    assert login(client, OWNER, password=NEW_PASSWORD).status_code == 302
    assert logged_in_user_id(client) is not None


# --- 3. Address and password changes need the password, and are told to the old address ----------


def test_adding_an_address_needs_the_password_again(member_client, member):
    response = add_address(member_client, "ann.two@example.org")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="ann.two@example.org").exists()
    assert not mail.outbox
    reauthenticate(member_client)
    add_address(member_client, "ann.two@example.org")
    assert EmailAddress.objects.filter(user=member, email="ann.two@example.org", verified=False).exists()


def test_a_wrong_password_does_not_reauthenticate(member_client):
    response = member_client.post(reverse("account_reauthenticate"), {"password": "not my password at all"})
    assert response.status_code == 200
    assert add_address(member_client, "ann.two@example.org").url.startswith(reverse("account_reauthenticate"))


def test_making_an_address_primary_needs_the_password_and_tells_the_old_address(member_client, member):
    """The audit's attack: a session cookie alone must not move the login to another address."""
    EmailAddress.objects.create(user=member, email="ann.new@example.org", verified=True)
    make_primary = {"action_primary": "", "email": "ann.new@example.org"}
    response = member_client.post(reverse("account_email"), make_primary)
    assert response.url.startswith(reverse("account_reauthenticate"))
    member.refresh_from_db()
    assert member.email == "ann@example.org"
    reauthenticate(member_client)
    member_client.post(reverse("account_email"), make_primary)
    member.refresh_from_db()
    assert member.email == "ann.new@example.org"
    (notice,) = mails_to("ann@example.org")
    assert "ann.new@example.org" in notice.body
    assert "If this was not you" in notice.body


def test_changing_the_password_needs_the_old_one_and_is_told_to_the_member(member_client, member):
    url = reverse("account_change_password")
    wrong = {"oldpassword": "not my password at all", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert member_client.post(url, wrong).status_code == 200
    assert not mail.outbox
    right = {**wrong, "oldpassword": PASSWORD}
    assert member_client.post(url, right).status_code == 302
    (notice,) = mails_to(member.email)
    assert "password" in notice.subject.lower()
    assert "If this was not you" in notice.body


def test_a_password_reset_is_told_to_the_member(member):
    client = Client()
    client.post(reverse("account_reset_password"), {"email": member.email})
    form_url = client.get(link_in(mail.outbox[0])).url
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert "If this was not you" in mail.outbox[-1].body
    assert mail.outbox[-1].to == [member.email]


# --- 7. Adding another member's address answers exactly like adding an unused one -----------------


def test_adding_another_members_address_answers_like_an_unused_one(member, other_member):
    def add_as_ann(email):
        client = Client()
        client.force_login(member)
        reauthenticate(client)
        response = add_address(client, email)
        page = client.get(response.url).content.decode()
        return response, page.replace(email, "EMAIL")

    taken_response, taken_page = add_as_ann("bea@example.org")
    EmailAddress.objects.filter(user=member, email="bea@example.org").delete()
    unused_response, unused_page = add_as_ann("nobody.yet@example.org")
    assert (taken_response.status_code, taken_response.url) == (unused_response.status_code, unused_response.url)
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", taken_page) == strip.sub("", unused_page)
    # The unused address gets a link; the holder of the taken one only hears that someone tried.
    assert "/accounts/confirm-email/" in mails_to("nobody.yet@example.org")[0].body
    (to_holder,) = mails_to("bea@example.org")
    assert "/accounts/confirm-email/" not in to_holder.body
    assert "already exists" in to_holder.body


def test_another_members_address_never_becomes_this_accounts_login(member, other_member):
    client = Client()
    client.force_login(member)
    reauthenticate(client)
    add_address(client, "bea@example.org")
    client.post(reverse("account_email"), {"action_send": "", "email": "bea@example.org"})
    client.post(reverse("account_email"), {"action_primary": "", "email": "bea@example.org"})
    member.refresh_from_db()
    assert member.email == "ann@example.org"
    assert not any("/accounts/confirm-email/" in message.body for message in mails_to("bea@example.org"))


# --- Info: one hash per login, twelve characters at least ----------------------------------------


@pytest.mark.parametrize(
    ("email", "password"),
    [("ann@example.org", PASSWORD), ("ann@example.org", "not the password"), ("nobody@example.org", "any old guess")],
    ids=["right", "wrong", "unknown"],
)
def test_every_login_hashes_the_password_once(settings, member, email, password):
    settings.PASSWORD_HASHERS = ["accounts.tests.helpers.CountingHasher"]
    CountingHasher.calls = 0
    login(Client(), email, password=password)
    assert CountingHasher.calls == 1


def test_passwords_need_twelve_characters(db):
    response = signup(Client(), OWNER, password="calm tea 11")
    assert response.status_code == 200
    assert "at least 12 characters" in str(response.context["form"].errors["password1"])
    assert signup(Client(), OWNER, password="calm tea 12!").status_code == 302


@pytest.mark.parametrize("address", ["bea@example.org", "not.yet.anyones@example.org"])
def test_only_a_confirmed_address_becomes_the_login_address(other_member, address):
    """Even for an account with no confirmed address yet (one staff made), where allauth alone would allow it."""
    staff_made = User.objects.create_user(email="made.by.staff@example.org", password=PASSWORD)
    client = Client()
    client.force_login(staff_made)
    reauthenticate(client)
    add_address(client, address)
    response = client.post(reverse("account_email"), {"action_primary": "", "email": address})
    assert response.status_code == 302
    assert "Only a confirmed address can become your login address" in client.get(response.url).content.decode()
    staff_made.refresh_from_db()
    assert staff_made.email == "made.by.staff@example.org"
