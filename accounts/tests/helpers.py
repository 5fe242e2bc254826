"""Helpers shared by the account tests: the real pages driven the way a browser would, and a hash counter."""

import re
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse
from django.utils import timezone

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


def logged_in(client, user):
    """``client`` with ``user`` logged in: the session, cookie and ``last_login`` that ``force_login`` leaves.

    Made directly, at a third of the cost: ``force_login`` on a new client first saves an empty session
    it throws away, then has ``login()`` make another, and sends ``user_logged_in``, whose receivers set
    ``last_login`` (done here) and clear django-axes' failures (a new member has none). Logging in
    itself is tested through the login page (``login`` above).
    """
    # The backend force_login would name: the first that can load a user (django-axes' cannot).
    user.backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = user.backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME].update(
        {
            "max-age": None,
            "path": "/",
            "domain": settings.SESSION_COOKIE_DOMAIN,
            "secure": settings.SESSION_COOKIE_SECURE or None,
            "expires": None,
        }
    )
    return client


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


class CountingHasher(MD5PasswordHasher):
    """The fast test hasher, counting how many passwords it hashes (checking one hashes it too)."""

    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)
