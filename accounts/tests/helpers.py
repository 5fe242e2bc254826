"""Helpers shared by the account tests: the real pages driven the way a browser would, and a hash counter."""

import re

from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from accounts.tests.factories import PASSWORD

NEW_PASSWORD = "another calm passphrase 7"


def signup(client, email, password=NEW_PASSWORD):
    return client.post(reverse("account_signup"), {"email": email, "password1": password, "password2": password})


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def reauthenticate(client, password=PASSWORD):
    """Type the password again, as allauth asks before an account's addresses change."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()


def link_in(message) -> str | None:
    """The first link to this site in an email, as a path (None if it has none)."""
    found = re.search(r"http://testserver(/\S+)", message.body)
    return found[1] if found else None


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


class CountingHasher(MD5PasswordHasher):
    """The fast test hasher, counting how many passwords it hashes (checking one hashes it too)."""

    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)
