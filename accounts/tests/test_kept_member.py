"""The member kept between requests (accounts.members): no query for them, and every change at once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.utils import get_random_secret_key
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from accounts.tests.helpers import NEW_PASSWORD, login

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/"
PRIVACY = "/privacy/"


def user_of(client, path=PRIVACY):
    return client.get(path).wsgi_request.user


def logged_in_as(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_a_members_second_request_reads_no_user_row(member_client, member, django_assert_num_queries):
    member_client.get(PRIVACY)
    with django_assert_num_queries(0):
        user = user_of(member_client)
        assert user.is_authenticated
        assert user.pk == member.pk
        assert user.email == member.email


def test_the_kept_member_holds_no_password_hash_and_saving_it_keeps_the_password(member_client, member):
    member_client.get(PRIVACY)
    kept = user_of(member_client)
    assert kept.get_deferred_fields() == {"password"}
    kept.first_name = "Ann"
    kept.save()
    member.refresh_from_db()
    assert member.first_name == "Ann"
    assert member.check_password(PASSWORD)


def test_each_member_gets_themselves(member, other_member):
    ann, bea = logged_in_as(member), logged_in_as(other_member)
    for _ in range(2):
        assert user_of(ann).email == member.email
        assert user_of(bea).email == other_member.email


def test_a_new_password_logs_out_the_members_other_sessions_at_once(member):
    elsewhere = logged_in_as(member)
    assert user_of(elsewhere).is_authenticated  # now kept
    here = logged_in_as(member)
    url = reverse("account_change_password")
    changed = here.post(url, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert changed.status_code == 302
    assert not user_of(elsewhere).is_authenticated
    # The session that changed it stays logged in (Django moves its hash), and is kept again.
    assert user_of(here).is_authenticated
    assert user_of(here).is_authenticated


def test_a_password_set_anywhere_logs_out_at_once(member):
    client = logged_in_as(member)
    assert user_of(client).is_authenticated
    account = get_user_model().objects.get(pk=member.pk)
    account.set_password(NEW_PASSWORD)
    account.save()
    assert not user_of(client).is_authenticated


def test_a_deactivated_member_is_logged_out_on_the_next_request(member):
    client = logged_in_as(member)
    assert user_of(client).is_authenticated
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert not user_of(client).is_authenticated
    assert client.get(ACCOUNT).status_code == 302


def test_a_deleted_account_is_logged_out_everywhere(member):
    elsewhere = logged_in_as(member)
    assert user_of(elsewhere).is_authenticated
    here = logged_in_as(member)
    assert here.post(reverse("accounts:delete"), {"password": PASSWORD}).status_code == 302
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    assert not user_of(elsewhere).is_authenticated


def test_logging_out_and_in_as_another_member_takes_effect_at_once(member, other_member):
    client = Client()
    assert login(client, member.email).status_code == 302
    assert user_of(client).email == member.email
    client.post(reverse("account_logout"))
    assert not user_of(client).is_authenticated
    assert login(client, other_member.email).status_code == 302
    assert user_of(client).email == other_member.email


def test_a_new_email_shows_on_the_next_request(member):
    client = logged_in_as(member)
    user_of(client)
    member.email = "ann.new@example.org"
    member.save()
    assert user_of(client).email == "ann.new@example.org"


def test_staff_are_never_kept_so_losing_staff_status_closes_the_admin(editor_client, editor, django_assert_num_queries):
    assert editor_client.get("/admin/").status_code == 200
    with django_assert_num_queries(1):  # their row, each time
        assert user_of(editor_client).is_staff
    get_user_model().objects.filter(pk=editor.pk).update(is_staff=False)  # even without a signal
    assert editor_client.get("/admin/").status_code == 302


def test_a_new_secret_key_logs_everyone_out_unless_the_old_one_is_a_fallback(member, settings):
    client = logged_in_as(member)
    assert user_of(client).is_authenticated
    old = settings.SECRET_KEY
    settings.SECRET_KEY = get_random_secret_key()
    settings.SECRET_KEY_FALLBACKS = [old]
    assert user_of(client).is_authenticated  # verified with the old key, the session rotated
    assert user_of(client).is_authenticated
    settings.SECRET_KEY_FALLBACKS = []
    settings.SECRET_KEY = get_random_secret_key()
    assert not user_of(client).is_authenticated


def test_a_forged_or_missing_session_hash_is_not_trusted(member):
    client = logged_in_as(member)
    assert user_of(client).is_authenticated
    session = client.session
    session["_auth_user_hash"] = "not the hash"
    session.save()
    assert not user_of(client).is_authenticated


def test_a_member_whose_kept_row_was_evicted_is_read_again(member_client, member):
    member_client.get(PRIVACY)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert user_of(member_client).pk == member.pk
    assert sum('"accounts_user"' in query["sql"] for query in queries) == 1
    with CaptureQueriesContext(connection) as queries:
        assert user_of(member_client).pk == member.pk
    assert not any('"accounts_user"' in query["sql"] for query in queries)
