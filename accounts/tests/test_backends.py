"""The session's member is loaded by one plain query, and comes out as the ORM would build it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.backends import AuthenticationBackend, ModelBackend, load_user
from accounts.tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def field_values(user):
    return {field.attname: getattr(user, field.attname) for field in get_user_model()._meta.concrete_fields}


def test_load_user_builds_the_same_user_as_the_orm():
    member = MemberFactory(first_name="Ann", last_name="O’Brien", is_staff=True)
    get_user_model().objects.filter(pk=member.pk).update(last_login=timezone.now())
    expected = get_user_model().objects.get(pk=member.pk)
    with CaptureQueriesContext(connection) as queries:
        loaded = load_user(member.pk)
    assert len(queries) == 1
    assert field_values(loaded) == field_values(expected)
    assert isinstance(loaded.last_login, datetime.datetime) and timezone.is_aware(loaded.last_login)
    assert loaded.is_staff is True and loaded.is_active is True
    assert loaded._state.adding is False and loaded._state.db == "default"
    # A real model instance: it saves back as an update of the same row.
    loaded.first_name = "Anne"
    loaded.save(update_fields=["first_name"])
    assert get_user_model().objects.get(pk=member.pk).first_name == "Anne"


def test_load_user_answers_none_for_a_missing_user():
    assert load_user(987654) is None


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_an_inactive_member_is_not_loaded_from_a_session(backend):
    member = MemberFactory()
    assert backend().get_user(member.pk) == member
    get_user_model().objects.filter(pk=member.pk).update(is_active=False)
    assert backend().get_user(member.pk) is None


def test_a_member_who_logged_in_by_email_is_recognised_on_the_next_request():
    member = MemberFactory()
    client = Client()
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"].startswith("accounts.backends.")
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 200
    assert response.context["user"] == member


def test_a_password_change_elsewhere_ends_the_session():
    member = MemberFactory()
    client = Client()
    client.force_login(member)
    assert client.get(reverse("accounts:account")).status_code == 200
    member.set_password("a different long passphrase")
    member.save()
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url
