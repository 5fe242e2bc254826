"""Signed links: the address to confirm (expiring), and a subscriber's own link to manage or leave.

The subscriber link never expires (it sits in every email ever sent) and names only the row's number,
signed with the site's secret: it cannot be guessed, counted up or altered.
"""

from django.core import signing

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


def subscriber_token(subscriber_pk: int) -> str:
    return signing.dumps(subscriber_pk, salt=SUBSCRIBER_SALT)


def subscriber_pk_from_token(token: str) -> int | None:
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        pk = signing.loads(token, salt=SUBSCRIBER_SALT)
    except signing.BadSignature:
        return None
    return pk if isinstance(pk, int) and not isinstance(pk, bool) else None
