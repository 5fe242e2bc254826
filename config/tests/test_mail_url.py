"""EMAIL_URL, one string in the environment, becomes the mailer Django sends through."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.environment import mailer_from_url


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


def test_the_mailer_built_from_the_url_is_the_one_django_sends_through(settings):
    from django.core.mail import mailers
    from django.core.mail.backends.smtp import EmailBackend

    settings.MAILERS = {"default": mailer_from_url("smtp://u:p@relay.example.org:2525?timeout=4")}
    mailer = mailers["default"]
    assert isinstance(mailer, EmailBackend)
    assert (mailer.host, mailer.port, mailer.username, mailer.timeout) == ("relay.example.org", 2525, "u", 4)


def test_unknown_scheme_is_refused_clearly():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        mailer_from_url("carrier-pigeon://loft")
