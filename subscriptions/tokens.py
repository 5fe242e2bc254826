"""Signed links: the address to confirm (expiring), and a subscriber's own link to manage or leave.

The subscriber link never expires (it sits in every email ever sent) and names only the row's number
with a MAC made from the site's secret: it cannot be guessed, counted up or altered. It is kept short on
purpose: the whole ``List-Unsubscribe`` URL must fit on one header line (78 characters), or mail
libraries encode it as an RFC 2047 word that mail programs do not read as a URL.
"""

import base64

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

CONFIRM_SALT = "subscriptions.confirm"
SUBSCRIBER_SALT = "subscriptions.subscriber"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 3
# Longer than any real token; anything longer is refused before the signature is checked.
MAX_TOKEN_LENGTH = 400


def confirm_token(email: str) -> str:
    return signing.dumps(email, salt=CONFIRM_SALT, compress=True)


def email_from_confirm_token(token: str) -> str | None:
    """The address a confirmation link carries, or None when it was altered or is older than three days."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        email = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return email if isinstance(email, str) else None


# 15 bytes of HMAC-SHA256 (120 bits): 20 characters of URL-safe base64, no padding.
_MAC_BYTES = 15


def _mac(value: str, secret: str) -> str:
    digest = salted_hmac(SUBSCRIBER_SALT, value, secret=secret, algorithm="sha256").digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode()


def subscriber_token(subscriber_pk: int) -> str:
    return f"{subscriber_pk}-{_mac(str(subscriber_pk), settings.SECRET_KEY)}"


def subscriber_pk_from_token(token: str) -> int | None:
    """The subscriber number a link carries, or None when it was altered (old secrets still accepted)."""
    number, _, mac = token.partition("-")
    if not (number.isascii() and number.isdigit() and len(number) <= 18 and len(mac) == 20):
        return None
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        if constant_time_compare(mac, _mac(number, secret)):
            return int(number)
    return None
