"""Who holds an email address: only an address its owner proved they read counts.

Anyone can type any address into "add an address" or the sign-up form. Until its confirmation link
is followed, such an address proves nothing: it never receives a password reset, never stops the real
owner signing up, and never lets an account made by sign-up log in. What counts as proof:

- a confirmed address on record (the emailed link was followed), or
- the login address of an account staff made in the admin, which has no addresses on record at all
  (staff typed it; the account never went through sign-up).
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q


def proven_holders(email: str):
    """Active or not, the accounts that have proved they read ``email`` (see the module docstring)."""
    user_model = get_user_model()
    confirmed = EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=email, verified=True)
    any_address = EmailAddress.objects.filter(user=OuterRef("pk"))
    return user_model.objects.filter(Exists(confirmed) | (Q(email__iexact=email) & ~Exists(any_address)))


def held_by_another(email: str, *, user=None) -> bool:
    """Whether an account other than ``user`` has proved it reads ``email``."""
    holders = proven_holders(email)
    if user is not None:
        holders = holders.exclude(pk=user.pk)
    return holders.exists()


def unproven_claims(email: str):
    """Accounts made by sign-up with ``email`` as their login that never confirmed it nor logged in.

    Such an account holds nothing (it could never log in), yet its row keeps the login address taken.
    """
    confirmed = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    any_address = EmailAddress.objects.filter(user=OuterRef("pk"))
    return get_user_model().objects.filter(
        Exists(any_address), ~Exists(confirmed), email__iexact=email, last_login__isnull=True
    )


def release_unproven_claims(*, email: str) -> None:
    """Delete the never-used sign-up accounts that claim ``email``, so that its owner can sign up."""
    with transaction.atomic():
        unproven_claims(email).delete()


def sign_up_refused(email: str) -> bool:
    """Whether a sign-up with ``email`` must not make an account (the address's owner gets an email instead).

    Refused when another account proved it reads the address, or logs in with it and is more than an
    unproven claim (the login column is unique). An address someone merely added never refuses it.
    """
    if held_by_another(email):
        return True
    logins = get_user_model().objects.filter(email__iexact=email)
    return logins.exclude(pk__in=unproven_claims(email).values("pk")).exists()
