"""Passwords as production stores them (the root conftest swaps in a fast hasher for every other test)."""

import pytest
from django.urls import reverse

import config.settings as production

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # the real Argon2, slow on purpose: make test runs it, the fast loop does not
def test_a_new_members_password_is_stored_as_argon2_and_still_logs_in(settings, client, django_user_model):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    member = django_user_model.objects.create_user(email="ann@example.org", password="a calm and long passphrase")

    member.refresh_from_db()
    assert member.password.startswith("argon2$argon2id$")
    response = client.post(
        reverse("account_login"), {"login": "ann@example.org", "password": "a calm and long passphrase"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
