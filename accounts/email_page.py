"""allauth's email page, with one rule added: only a confirmed address can become the login address.

allauth lets an account with no confirmed address make an unconfirmed one primary. Here that would let
an account staff made (no confirmed address yet) take over an address it never proved it reads, and an
address another account logs in with would be a database error. Everything else is allauth's own view.
"""

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.account.views import email as allauth_email
from django.contrib import messages
from django.shortcuts import redirect


def email(request, *args, **kwargs):
    if request.method == "POST" and "action_primary" in request.POST and request.user.is_authenticated:
        address = EmailAddress.objects.filter(user=request.user, email__iexact=request.POST.get("email", "")).first()
        if address is not None and not address.verified:
            get_adapter(request).add_message(request, messages.ERROR, "account/messages/unverified_primary_email.txt")
            return redirect("account_email")
    return allauth_email(request, *args, **kwargs)
