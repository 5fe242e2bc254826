"""Account-related settings as production reads them: Argon2 first, mail from EMAIL_URL."""

import pytest
from django.core.exceptions import ImproperlyConfigured

import config.settings as real_settings
from config.settings import mailer_from_url


def test_argon2_hashes_passwords_in_real_settings():
    # The root conftest swaps in a fast hasher per test; the module itself must say Argon2.
    assert real_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_is_installed_and_verifies(settings):
    from django.contrib.auth.hashers import check_password, make_password

    settings.PASSWORD_HASHERS = real_settings.PASSWORD_HASHERS
    encoded = make_password("a calm and long passphrase")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("a calm and long passphrase", encoded)


def test_allauth_is_wired_to_our_adapter_and_forms():
    assert real_settings.ACCOUNT_ADAPTER == "accounts.adapter.AccountAdapter"
    assert real_settings.ACCOUNT_FORMS["signup"] == "accounts.forms.SignupForm"
    assert sorted(real_settings.ACCOUNT_LOGIN_METHODS) == ["email"]
    assert real_settings.ACCOUNT_PREVENT_ENUMERATION is True
    assert real_settings.ACCOUNT_LOGOUT_ON_GET is False


def test_console_mail_by_default():
    assert mailer_from_url("console:") == {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    assert mailer_from_url("")["BACKEND"].endswith("console.EmailBackend")


def test_smtp_with_starttls_on_587():
    config = mailer_from_url("smtp://user%40example.org:p%40ss%2Fword@mail.example.org:587")
    assert config["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert config["OPTIONS"] == {
        "host": "mail.example.org",
        "port": 587,
        "username": "user@example.org",
        "password": "p@ss/word",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 10,
    }


def test_smtps_uses_implicit_tls_on_465():
    options = mailer_from_url("smtps://u:p@mail.example.org")["OPTIONS"]
    assert (options["port"], options["use_ssl"], options["use_tls"]) == (465, True, False)


def test_plain_smtp_without_credentials_and_query_options():
    options = mailer_from_url("smtp://localhost:1025?timeout=3")["OPTIONS"]
    assert options["host"] == "localhost"
    assert options["port"] == 1025
    assert options["username"] == options["password"] == ""
    assert (options["use_ssl"], options["use_tls"], options["timeout"]) == (False, False, 3)
    assert mailer_from_url("smtp://relay.example.org?tls=1")["OPTIONS"]["use_tls"] is True


def test_unknown_scheme_is_refused_clearly():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        mailer_from_url("carrier-pigeon://loft")
