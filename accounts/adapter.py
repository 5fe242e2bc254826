"""How allauth treats members here: a pending save is granted on login, sign-up ends by email link.

Two promises meet in this adapter:

- A reader who pressed "Save" before having an account is, once logged in (or signed up and
  confirmed), back on that piece with it saved.
- The sign-up page answers a known address exactly as it answers a new one. allauth can only do
  that when email verification is mandatory, so sign-up always finishes through the emailed link
  (which logs the newcomer in, in the same browser). ``ACCOUNT_EMAIL_VERIFICATION`` still decides
  whether later logins need a verified address: "optional" (the default) lets a member log in
  with their password before confirming; "mandatory" does not.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.stages import EmailVerificationStage
from django.contrib import messages

from accounts import pending, services

_SAVED_ON_LOGIN = "_accounts_saved_on_login"


class SignupEmailVerificationStage(EmailVerificationStage):
    """allauth's verification stage, but a sign-up always waits for the emailed link."""

    def handle(self):
        if self.login.signup:
            self.login.email_verification = EmailVerificationMethod.MANDATORY
        return super().handle()


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        stages = super().get_login_stages()
        ours = f"{SignupEmailVerificationStage.__module__}.{SignupEmailVerificationStage.__qualname__}"
        return [ours if path == "allauth.account.stages.EmailVerificationStage" else path for path in stages]

    def login(self, request, user) -> None:
        """Log in, then grant the reader's pending save (if any) and remember where it was."""
        super().login(request, user)
        post = pending.take(request)
        if post is not None:
            services.favourite_add(user=user, post=post)
            setattr(request, _SAVED_ON_LOGIN, post)
            messages.success(request, f"Saved “{post.title}”. You will find it under Saved.")

    def get_login_redirect_url(self, request) -> str:
        # Only asked when the login carried no (safe) ``next``: go back to the piece just saved.
        post = getattr(request, _SAVED_ON_LOGIN, None)
        return post.get_absolute_url() if post else super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request) -> str:
        post = getattr(request, _SAVED_ON_LOGIN, None)
        return post.get_absolute_url() if post else super().get_signup_redirect_url(request)
