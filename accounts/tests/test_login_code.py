"""Logging in with an emailed code: the way in for members without a password (made by subscribing).

The page answers the same for a known and an unknown address; codes go only to an account that proved
it reads the address; allauth's limits hold (three codes a minute per address, three tries per code, ten
minutes per code), and so does the password lockout.
"""

import datetime
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from subscriptions import emails, tokens
from subscriptions import services as subscriptions

pytestmark = pytest.mark.django_db

REQUEST = "/accounts/login/code/"
CONFIRM = "/accounts/login/code/confirm/"


@pytest.fixture
def follower():
    """A member made by confirming a subscription: no password at all."""
    return subscriptions.confirm_subscription(email="follower@example.org").user


def ask(client, email, ip="10.0.0.1", **data):
    return client.post(REQUEST, {"email": email, **data}, REMOTE_ADDR=ip)


def code_in(message) -> str:
    return re.search(r"^([A-Z0-9-]{6,12})$", message.body, re.MULTILINE).group(1)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_member_without_a_password_logs_in_with_the_emailed_code(client, follower):
    assert not follower.has_usable_password()
    answer = ask(client, "Follower@Example.org", next="/saved/")
    assert answer.status_code == 302 and answer["Location"].startswith(CONFIRM)
    (message,) = mail.outbox
    assert message.to == ["follower@example.org"] and "login code" in message.subject
    page = client.get(answer["Location"]).content.decode()
    assert "Type your login code" in page and 'autocomplete="one-time-code"' in page

    done = client.post(CONFIRM, {"code": code_in(message), "next": "/saved/"})
    assert done.status_code == 302 and done["Location"] == "/saved/"
    assert logged_in(client) and int(client.session["_auth_user_id"]) == follower.pk


def test_the_login_page_offers_it_and_the_page_answers_alike_for_an_unknown_address(client, follower):
    assert f'href="{REQUEST}' in client.get(reverse("account_login")).content.decode()
    known = ask(client, "follower@example.org")
    known_page = client.get(known["Location"]).content.decode()
    visitor = Client()
    stranger = ask(visitor, "nobody@example.org")
    stranger_page = visitor.get(stranger["Location"]).content.decode()
    assert known.status_code == stranger.status_code == 302
    assert known["Location"] == stranger["Location"]

    def without_secrets(page, email):
        return re.sub(r'value="[^"]{40,}"', "", page).replace(email, "EMAIL")

    assert without_secrets(known_page, "follower@example.org") == without_secrets(stranger_page, "nobody@example.org")
    # The stranger's address is told there is no account; no code exists for it.
    assert [message.to for message in mail.outbox] == [["follower@example.org"], ["nobody@example.org"]]
    assert visitor.post(CONFIRM, {"code": code_in(mail.outbox[0])}).status_code == 200
    assert not logged_in(visitor)


def test_an_unconfirmed_sign_up_claiming_someone_elses_address_gets_no_code(client, django_user_model):
    claim = django_user_model.objects.create_user(email="owner@example.org", password="the stranger's password")
    EmailAddress.objects.create(user=claim, email="owner@example.org", verified=False, primary=True)
    ask(client, "owner@example.org")
    (message,) = mail.outbox
    assert not re.search(r"^[A-Z0-9-]{6,12}$", message.body, re.MULTILINE)
    assert not EmailAddress.objects.get(user=claim).verified


def test_three_codes_a_minute_per_address_then_a_calm_refusal(client, follower):
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert ask(Client(), "follower@example.org", ip=ip).status_code == 302
    refused = ask(client, "follower@example.org", ip="10.0.0.4")
    assert refused.status_code == 200 and "Too many" in refused.content.decode()
    assert len(mail.outbox) == 3
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        assert ask(client, "follower@example.org", ip="10.0.0.4").status_code == 302


def test_three_wrong_codes_spend_the_code(client, follower):
    ask(client, "follower@example.org")
    code = code_in(mail.outbox[0])
    for _ in range(3):
        client.post(CONFIRM, {"code": "BCDFGH"})
    client.post(CONFIRM, {"code": code})
    assert not logged_in(client)


def test_a_code_lasts_ten_minutes(client, follower):
    ask(client, "follower@example.org")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        client.post(CONFIRM, {"code": code_in(mail.outbox[0])})
    assert not logged_in(client)


def test_an_over_long_code_is_a_form_error(client, follower):
    ask(client, "follower@example.org")
    answer = client.post(CONFIRM, {"code": "X" * 5000})
    assert answer.status_code == 200 and not logged_in(client)


def test_the_password_lockout_still_holds_beside_codes(client, django_user_model):
    django_user_model.objects.create_user(email="reader@example.org", password="a long and right password")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "reader@example.org", "password": "wrong"})
    locked = client.post(
        reverse("account_login"), {"login": "reader@example.org", "password": "a long and right password"}
    )
    assert locked.status_code in (200, 429) and not logged_in(client)


def test_the_confirmation_email_and_the_welcome_page_say_how_to_log_in(client):
    assert f"{REQUEST}" in emails.confirmation_message("new@example.org").body
    subscriber = subscriptions.confirm_subscription(email="new@example.org")
    page = client.get(f"/subscribe/manage/{tokens.subscriber_token(subscriber.pk)}/").content.decode()
    assert "log in with a code" in page and f'href="{REQUEST}"' in page


def test_a_member_without_a_password_is_shown_how_to_delete_the_account(client, follower):
    client.force_login(follower)
    assert f'href="{reverse("account_set_password")}"' in client.get(reverse("accounts:account")).content.decode()
    page = client.get(reverse("accounts:delete")).content.decode()
    assert f'href="{reverse("account_set_password")}"' in page and 'type="password"' not in page
    assert "Choose a password" in client.get(reverse("account_set_password")).content.decode()
