"""The members' pages in the site's voice (issue 14): one calm message, plain labels and errors, only
the actions that make sense, and "Log in to save …" when a reader came by pressing Save."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from accounts import pending
from accounts.tests.factories import PASSWORD, MemberFactory
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_confirming_a_new_account_shows_one_calm_message(client):
    client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": "a long passphrase here 1", "password2": "a long passphrase here 1"},
        follow=True,  # the "check your inbox" page shows (and so uses up) the sign-up's own message
    )
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    response = client.post(path, follow=True)
    assert messages_of(response) == ["Thank you: new@example.org is confirmed."]


def test_changing_the_password_returns_to_the_account_page_with_a_message(client):
    member = MemberFactory()
    client.force_login(member)
    page = client.get("/accounts/password/change/").content.decode()
    labels = re.findall(r"<label[^>]*>([^<]*)</label>", page)
    assert labels[:3] == ["Current password", "New password", "New password (again)"]
    assert "At least 12 characters" in page
    wrong = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "not it at all, sorry",
            "password1": "a new long passphrase",
            "password2": "a new long passphrase",
        },
    )
    assert "That is not your current password." in wrong.content.decode()
    right = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a new long passphrase", "password2": "a new long passphrase"},
        follow=True,
    )
    assert right.redirect_chain[-1][0] == "/accounts/"
    assert messages_of(right) == ["Your password is changed."]


def test_the_email_page_offers_only_actions_that_make_sense(client):
    member = MemberFactory()
    client.force_login(member)
    page = client.get("/accounts/email/").content.decode()
    assert "action_primary" not in page and "action_remove" not in page and "action_send" not in page
    EmailAddress.objects.create(user=member, email="second@example.org", verified=False)
    page = client.get("/accounts/email/").content.decode()
    assert "action_primary" in page and "action_remove" in page and "action_send" in page


@pytest.mark.parametrize("path, words", [("/accounts/login/", "Log in"), ("/accounts/signup/", "Sign up")])
def test_a_reader_who_pressed_save_is_told_what_logging_in_will_do(client, path, words):
    post = PostFactory(title="Rest before you earn it")
    session = client.session
    session[pending.SESSION_KEY] = {"slug": post.slug, "at": int(time.time())}
    session.save()
    page = client.get(path).content.decode()
    assert f"{words} to save “Rest before you earn it”." in page
    assert "to save" not in Client().get(path).content.decode()
