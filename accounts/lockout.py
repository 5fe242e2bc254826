"""Who a login attempt is for and where it came from, as django-axes counts failures.

Staff and members log in on allauth's page (its form field is ``login``); ``email`` and ``username``
are read too, for anything else that calls ``authenticate()``. Case-folded, every spelling of one
address is one account. Addresses come from ``REMOTE_ADDR``, or from ``X-Forwarded-For`` only as far
as our own proxies (``TRUSTED_PROXY_COUNT``) wrote it.
"""

import ipaddress
import math

from django.conf import settings
from django.shortcuts import render

# AccessAttempt.username is 255 characters; a longer login must not become a database error.
MAX_IDENTIFIER_LENGTH = 255
_LOGIN_KEYS = ("email", "username", "login")


def login_identifier(request, credentials=None) -> str | None:
    """The account a login attempt names, case-folded so "Ann@X.org" and "ann@x.org" share one count."""
    sources = [credentials or {}]
    if request is not None and request.method == "POST":
        sources.append(request.POST)
    for source in sources:
        for key in _LOGIN_KEYS:
            value = source.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip().casefold()[:MAX_IDENTIFIER_LENGTH]
    return None


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: the one our nearest trusted proxy saw, else the socket's peer."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        # Each trusted proxy appends the address it was talked to by; anything further left is the client's word.
        if len(forwarded) >= hops and (address := _valid_ip(forwarded[-hops])):
            return address
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login attempt gets: what happened and for how long, as a 429."""
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    response = render(request, "axes/lockout.html", {"minutes": minutes}, status=429)
    response.headers["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
