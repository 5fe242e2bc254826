"""The signed link in a replies summary that stops them in one click, without logging in.

It names the member's number with a MAC made from the site's secret (its own salt: a subscription's
link cannot be turned into this one), so it cannot be guessed, counted up or altered. Short on purpose,
like the subscription's: the whole ``List-Unsubscribe`` line must stay under 78 characters.
"""

import base64

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "responses.replies-summary"
# 12 bytes of HMAC-SHA256 (96 bits): 16 characters of URL-safe base64.
_MAC_BYTES = 12
_MAC_LENGTH = 16


def _mac(value: str, secret: str) -> str:
    digest = salted_hmac(SALT, value, secret=secret, algorithm="sha256").digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode()


def member_token(user_pk: int) -> str:
    return f"{user_pk}-{_mac(str(user_pk), settings.SECRET_KEY)}"


def member_pk_from_token(token: str) -> int | None:
    """The member number a link carries, or None when it was altered (old secrets still accepted)."""
    number, _, mac = token.partition("-")
    if not (number.isascii() and number.isdigit() and len(number) <= 18 and len(mac) == _MAC_LENGTH):
        return None
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        if constant_time_compare(mac, _mac(number, secret)):
            return int(number)
    return None
