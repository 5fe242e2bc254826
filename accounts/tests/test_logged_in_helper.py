"""``logged_in`` (the shared clients' login) leaves what ``Client.force_login`` leaves, more cheaply."""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.tests.helpers import logged_in

pytestmark = pytest.mark.django_db


def session_of(client) -> dict:
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return dict(import_module(settings.SESSION_ENGINE).SessionStore(cookie.value).items())


def test_the_same_session_cookie_and_last_login_as_force_login(member):
    forced = Client()
    forced.force_login(member)
    forced_backend, forced_last_login = member.backend, get_user_model().objects.get(pk=member.pk).last_login

    made = logged_in(Client(), member)

    assert session_of(made) == session_of(forced)
    assert member.backend == forced_backend
    assert dict(made.cookies[settings.SESSION_COOKIE_NAME]) == dict(forced.cookies[settings.SESSION_COOKIE_NAME])
    assert get_user_model().objects.get(pk=member.pk).last_login > forced_last_login
    assert made.get("/saved/").wsgi_request.user == member
