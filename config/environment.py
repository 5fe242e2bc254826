"""Readers for the settings' environment variables: switches, lists and ``EMAIL_URL``.

Kept apart from ``config/settings.py`` so that the knobs stay one list there and these parsers are tested
on their own.
"""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no switch from the environment ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list from the environment, dropping blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def mailer_from_url(url: str) -> dict:
    """Turn ``EMAIL_URL`` (``smtp://user:pass@host:587``, ``console:``) into a mailer config."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in {"", "console"}:
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme in {"memory", "locmem"}:
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in {"smtp", "smtps", "submission"}:
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        use_ssl = scheme == "smtps" or query.get("ssl") in {"1", "true"}
        default_port = 465 if use_ssl else 587 if scheme == "submission" else 25
        port = parts.port or default_port
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": port,
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": use_ssl,
                "use_tls": not use_ssl and (port == 587 or query.get("tls") in {"1", "true"}),
                "timeout": int(query.get("timeout", 10)),
            },
        }
    raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not supported (use smtp:// or console:).")
