"""Login lockout and rate limits: guessing is stopped per account and address, and slowed per account.

Staff and members log in through the same page (allauth's), so the same limits hold for both; the
admin's own login page only sends people there.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not the password"
LIMIT = 5
STAFF = "editor@example.org"


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(email=STAFF, password=PASSWORD, is_staff=True)


def login(client, email, password, ip="10.0.0.1", **extra):
    """The one login page, as staff reach it from the admin (next=/admin/) or members from the site."""
    data = {"login": email, "password": password, "next": "/admin/"}
    return client.post(reverse("account_login"), data, REMOTE_ADDR=ip, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def assert_locked_out(response):
    assert response.status_code == 429
    text = response.content.decode()
    assert "Logging in is paused for 15 minutes" in text
    assert "too many unsuccessful attempts to log in" in text
    assert response.headers["Retry-After"] == "900"
    assert "_auth_user_id" not in response.wsgi_request.session


def assert_slowed(response):
    """allauth's per-account limit: the form again, saying so, and nobody logged in."""
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def assert_refused(response):
    """Locked out (axes) or slowed (allauth's per-account limit answers first once it is reached)."""
    assert "_auth_user_id" not in response.wsgi_request.session
    if response.status_code != 429:
        assert_slowed(response)


@pytest.fixture
def clock(time_machine):
    """A stopped clock that tests move on (the lockout and allauth's limits both read it)."""
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    return time_machine


# --- One door --------------------------------------------------------------------------------------


def test_the_admin_login_page_sends_staff_to_the_one_login_page(client, staff):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2F"
    response = login(client, STAFF, PASSWORD)
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_form_checks_no_password(client, staff):
    """Posting to the admin's own login page logs nobody in and records nothing: it only redirects."""
    for _ in range(LIMIT + 2):
        response = client.post("/admin/login/", {"username": STAFF, "password": PASSWORD, "next": "/admin/"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert not logged_in(client)
    assert not AccessAttempt.objects.exists()


# --- The lockout: one account from one address ---------------------------------------------------


def test_a_member_logging_in_clears_only_their_own_failures(client, staff, member):
    """The audit's attack: four guesses at staff, then a member logs in from the same address."""
    for _ in range(LIMIT - 1):
        assert login(client, STAFF, WRONG, ip="10.0.1.1").status_code == 200
    assert login(client, member.email, PASSWORD, ip="10.0.1.1").status_code == 302
    client.post(reverse("account_logout"))
    # The staff account's fifth failure from this address locks it here, whatever the member did.
    assert_locked_out(login(client, STAFF, WRONG, ip="10.0.1.1"))
    assert_refused(login(client, STAFF, PASSWORD, ip="10.0.1.1"))


def test_one_account_from_one_address_is_locked_after_repeated_failures(client, staff):
    for _ in range(LIMIT - 1):
        assert login(client, STAFF, WRONG, ip="10.0.2.1").status_code == 200  # the form again, with its error
    assert_locked_out(login(client, STAFF, WRONG, ip="10.0.2.1"))
    # Even the right password is refused from there while the lockout lasts, however the account is written.
    assert_refused(login(client, STAFF, PASSWORD, ip="10.0.2.1"))
    assert_refused(login(client, "EDITOR@example.org ", PASSWORD, ip="10.0.2.1"))


def test_failures_from_elsewhere_only_slow_the_owner(client, staff, clock):
    """Anonymous guesses from another address lock only that address out (a denial of service against
    staff otherwise); the per-account cap pauses the account's logins for at most five minutes."""
    for _ in range(LIMIT):
        login(client, STAFF, WRONG, ip="198.51.100.7")
    response = login(client, STAFF, PASSWORD, ip="10.0.3.1")
    assert response.status_code != 429
    clock.shift(datetime.timedelta(minutes=5, seconds=1))
    assert_locked_out(login(client, STAFF, PASSWORD, ip="198.51.100.7"))
    response = login(client, STAFF, PASSWORD, ip="10.0.3.1")
    assert response.status_code == 302
    assert logged_in(client)


def test_one_address_guessing_many_accounts_is_slowed(client, staff):
    """allauth's per-address limit: ten failures a minute from one address, whichever accounts they name."""
    for n in range(10):
        login(client, f"guess{n}@example.org", WRONG, ip="10.9.9.9")
    assert_slowed(login(client, STAFF, PASSWORD, ip="10.9.9.9"))
    assert login(client, STAFF, PASSWORD, ip="10.1.1.1").status_code == 302


def test_guesses_at_one_account_from_many_addresses_are_slowed_not_locked(client, staff, clock):
    """The per-account cap: five failures in five minutes, from anywhere, pause that account's logins for
    the rest of those minutes; then its owner logs in again. Guessing is slowed, nobody is locked out."""
    for n in range(LIMIT):
        assert login(client, STAFF, WRONG, ip=f"203.0.113.{n}").status_code == 200
    assert_slowed(login(client, STAFF, WRONG, ip="203.0.113.99"))
    assert_slowed(login(client, STAFF, PASSWORD, ip="10.0.4.1"))
    clock.shift(datetime.timedelta(minutes=5, seconds=1))
    response = login(client, STAFF, PASSWORD, ip="10.0.4.1")
    assert response.status_code == 302
    assert logged_in(client)


def test_the_lockout_expires_after_the_cool_off(client, staff, clock):
    for _ in range(LIMIT):
        login(client, STAFF, WRONG, ip="10.0.5.1")
    assert_refused(login(client, STAFF, PASSWORD, ip="10.0.5.1"))
    clock.shift(datetime.timedelta(minutes=16))
    response = login(client, STAFF, PASSWORD, ip="10.0.5.1")
    assert response.status_code == 302
    assert logged_in(client)


def test_failures_during_a_lockout_do_not_extend_it(client, staff, clock):
    for _ in range(LIMIT):
        login(client, STAFF, WRONG, ip="10.0.6.1")
    clock.shift(datetime.timedelta(minutes=16))
    # A guess now starts a fresh count rather than renewing the old lockout.
    assert login(client, STAFF, WRONG, ip="10.0.6.1").status_code == 200
    assert login(client, STAFF, PASSWORD, ip="10.0.6.1").status_code == 302


def test_a_successful_login_resets_the_own_count(client, staff):
    for _ in range(LIMIT - 1):
        login(client, STAFF, WRONG)
    assert login(client, STAFF, PASSWORD).status_code == 302
    client.post(reverse("account_logout"))
    assert not AccessAttempt.objects.exists()


def test_member_login_still_works(client, member):
    response = login(client, member.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


# --- Addresses -----------------------------------------------------------------------------------


def test_forwarded_addresses_are_ignored_unless_a_proxy_count_is_set(client, staff, settings):
    """With no proxy count set, X-Forwarded-For is anyone's word: the socket's address is counted."""
    assert settings.TRUSTED_PROXY_COUNT == 0
    for n in range(LIMIT):
        login(client, STAFF, WRONG, ip="10.255.0.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert_refused(login(client, STAFF, PASSWORD, ip="10.255.0.9", HTTP_X_FORWARDED_FOR="192.0.2.200"))
    assert AccessAttempt.objects.get().ip_address == "10.255.0.9"


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(LIMIT):
        login(client, STAFF, WRONG, ip="10.255.0.1", HTTP_X_FORWARDED_FOR=f"spoofed, 192.0.2.{n}")
    assert AccessAttempt.objects.filter(ip_address="192.0.2.0").exists()
    # Five different clients behind one proxy, one failure each: none of them is locked, nor is the proxy.
    assert not AccessAttempt.objects.filter(failures_since_start__gte=2).exists()


def test_a_very_long_login_is_an_ordinary_failure(client):
    response = login(client, "x" * 5000 + "@example.org", WRONG)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_staff_change_their_password_on_the_members_page(client, staff):
    """The admin's own password form would skip the rate limit and the emailed notice."""
    client.force_login(staff)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response.url == reverse("account_change_password")
