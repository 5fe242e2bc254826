"""How allauth treats members here: a pending save is granted on login, sign-up ends by email link.

Two promises meet in this adapter:

- A reader who pressed "Save" before having an account is, once logged in (or signed up and
  confirmed), back on that piece with it saved.
- The sign-up page answers a known address exactly as it answers a new one. allauth can only do
  that when email verification is mandatory, so sign-up always finishes through the emailed link
  (which logs the newcomer in, in the same browser).
- An account made by sign-up never logs in before its address is confirmed: otherwise whoever signs
  up with someone else's address could use the account before its owner hears of it. Such an account
  is one with addresses on record and none confirmed. ``ACCOUNT_EMAIL_VERIFICATION`` ("optional" by
  default) then only governs accounts staff made in the admin, which have no addresses on record.

And a confirmation link is only ever sent for an address no other account holds
(``accounts.addresses``): its holder is told that someone tried to use it instead.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.models import EmailAddress
from allauth.account.stages import EmailVerificationStage
from django.contrib import messages
from django.urls import reverse

from accounts import addresses, pending, services

_SAVED_ON_LOGIN = "_accounts_saved_on_login"
_CONFIRMED_NOW = "_accounts_address_confirmed_now"


class SignupEmailVerificationStage(EmailVerificationStage):
    """allauth's verification stage, but a sign-up, and an account made by one, wait for the emailed link."""

    def handle(self):
        if self.login.signup or _made_by_sign_up_and_unconfirmed(self.login.user):
            self.login.email_verification = EmailVerificationMethod.MANDATORY
        return super().handle()


def _made_by_sign_up_and_unconfirmed(user) -> bool:
    addresses_on_record = EmailAddress.objects.filter(user=user)
    return addresses_on_record.exists() and not addresses_on_record.filter(verified=True).exists()


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        stages = super().get_login_stages()
        ours = f"{SignupEmailVerificationStage.__module__}.{SignupEmailVerificationStage.__qualname__}"
        return [ours if path == "allauth.account.stages.EmailVerificationStage" else path for path in stages]

    def send_confirmation_mail(self, request, emailconfirmation, signup) -> None:
        """Send the link, unless another account holds the address: then tell its holder instead."""
        address = emailconfirmation.email_address
        if addresses.held_by_another(address.email, user=address.user):
            self.send_account_already_exists_mail(address.email)
            return
        super().send_confirmation_mail(request, emailconfirmation, signup)

    def login(self, request, user) -> None:
        """Log in, then grant the reader's pending save (if any) and remember where it was."""
        super().login(request, user)
        post = pending.take(request)
        if post is not None:
            services.favourite_add(user=user, post=post)
            setattr(request, _SAVED_ON_LOGIN, post)
            if not getattr(request, _CONFIRMED_NOW, False):  # else the confirmation says enough
                messages.success(request, f"Saved “{post.title}”. You will find it under Saved.")

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        """One calm message after confirming an address: not "confirmed", "signed in" and "saved" stacked."""
        if message_template == "account/messages/email_confirmed.txt":
            setattr(request, _CONFIRMED_NOW, True)
        elif message_template == "account/messages/logged_in.txt" and getattr(request, _CONFIRMED_NOW, False):
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message=message)

    def get_password_change_redirect_url(self, request) -> str:
        return reverse("accounts:account")

    def get_login_redirect_url(self, request) -> str:
        # Only asked when the login carried no (safe) ``next``: go back to the piece just saved.
        post = getattr(request, _SAVED_ON_LOGIN, None)
        return post.get_absolute_url() if post else super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request) -> str:
        post = getattr(request, _SAVED_ON_LOGIN, None)
        return post.get_absolute_url() if post else super().get_signup_redirect_url(request)
