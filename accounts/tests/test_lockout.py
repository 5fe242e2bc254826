"""Login lockout (django-axes): repeated failures for one account or from one address pause logins.

Both doors count: the admin login and the member (allauth) login name the same account by email.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a long and right password"
WRONG = "not the password"
LIMIT = 5


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(email="editor@example.org", password=PASSWORD, is_staff=True)


@pytest.fixture
def member():
    return get_user_model().objects.create_user(email="reader@example.org", password=PASSWORD)


def admin_login(client, email, password, ip="10.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": email, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def member_login(client, email, password, ip="10.0.0.1"):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip)


def assert_locked_out(response):
    assert response.status_code == 429
    text = response.content.decode()
    assert "Logging in is paused for 15 minutes" in text
    assert "too many unsuccessful attempts to log in" in text
    assert response.headers["Retry-After"] == "900"
    assert "_auth_user_id" not in response.wsgi_request.session


def expire_lockouts():
    """Move every recorded failure back past the cool-off, as if the 15 minutes had passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=16))


def test_admin_login_works_with_the_right_password(client, staff):
    response = admin_login(client, staff.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_one_account_is_locked_after_repeated_failures_from_any_address(client, staff):
    for n in range(LIMIT - 1):
        response = admin_login(client, staff.email, WRONG, ip=f"10.0.1.{n}")
        assert response.status_code == 200  # the form again, with its error
    assert_locked_out(admin_login(client, staff.email, WRONG, ip="10.0.1.99"))
    # Even the right password, from an address never seen before, is refused while the lockout lasts.
    assert_locked_out(admin_login(client, staff.email, PASSWORD, ip="10.0.2.1"))
    # The same account written differently is the same account.
    assert_locked_out(admin_login(client, "EDITOR@example.org ", PASSWORD, ip="10.0.2.2"))


def test_one_address_is_locked_after_failures_across_many_accounts(client, staff):
    for n in range(LIMIT - 1):
        admin_login(client, f"guess{n}@example.org", WRONG, ip="10.9.9.9")
    assert_locked_out(admin_login(client, "guess-last@example.org", WRONG, ip="10.9.9.9"))
    assert_locked_out(admin_login(client, staff.email, PASSWORD, ip="10.9.9.9"))
    # The account itself is not locked: its owner elsewhere still gets in.
    assert admin_login(client, staff.email, PASSWORD, ip="10.1.1.1").status_code == 302


def test_the_lockout_expires_after_the_cool_off(client, staff):
    for n in range(LIMIT):
        admin_login(client, staff.email, WRONG, ip=f"10.0.3.{n}")
    assert_locked_out(admin_login(client, staff.email, PASSWORD))
    expire_lockouts()
    response = admin_login(client, staff.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_failures_during_a_lockout_do_not_extend_it(client, staff):
    for n in range(LIMIT):
        admin_login(client, staff.email, WRONG, ip=f"10.0.4.{n}")
    expire_lockouts()
    # A guess now starts a fresh count rather than renewing the old lockout.
    assert admin_login(client, staff.email, WRONG).status_code == 200
    assert admin_login(client, staff.email, PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, staff):
    for _ in range(LIMIT - 1):
        admin_login(client, staff.email, WRONG)
    assert admin_login(client, staff.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        assert admin_login(client, staff.email, WRONG).status_code == 200
    assert admin_login(client, staff.email, PASSWORD).status_code == 302


def test_member_login_still_works(client, member):
    response = member_login(client, member.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_member_login_is_locked_with_the_same_clear_message(client, member):
    for n in range(LIMIT - 1):
        response = member_login(client, member.email, WRONG, ip=f"10.0.5.{n}")
        assert response.status_code == 200
    assert_locked_out(member_login(client, member.email, WRONG, ip="10.0.5.99"))
    # Further attempts are refused too (by the lockout, or by allauth's own rate limit behind it).
    response = member_login(client, member.email, PASSWORD, ip="10.0.6.1")
    assert response.status_code in {200, 429}
    assert "_auth_user_id" not in client.session
    if response.status_code == 200:
        assert "Too many failed login attempts" in response.content.decode()


def test_admin_and_member_logins_count_towards_one_lockout(client, staff):
    for n in range(LIMIT - 2):
        admin_login(client, staff.email, WRONG, ip=f"10.0.7.{n}")
    member_login(client, staff.email, WRONG, ip="10.0.8.1")
    assert_locked_out(member_login(client, staff.email, WRONG, ip="10.0.8.2"))
    assert_locked_out(admin_login(client, staff.email, PASSWORD, ip="10.0.8.3"))


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(LIMIT):
        client.post(
            reverse("admin:login"),
            {"username": f"guess{n}@example.org", "password": WRONG},
            REMOTE_ADDR="10.255.0.1",
            HTTP_X_FORWARDED_FOR=f"spoofed, 192.0.2.{n}",
        )
    # Five different clients behind one proxy: none of them is locked, nor is the proxy.
    response = client.post(
        reverse("admin:login"),
        {"username": staff.email, "password": PASSWORD},
        REMOTE_ADDR="10.255.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert response.status_code == 302


def test_a_very_long_login_is_an_ordinary_failure(client):
    response = admin_login(client, "x" * 5000 + "@example.org", WRONG)
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == ("x" * 255)
