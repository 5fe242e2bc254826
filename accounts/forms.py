"""Members' forms: allauth's account forms with capped input sizes, the private note, account deletion.

allauth's forms accept email addresses and passwords of any length; every form a person can post
here caps them, so an over-long value is a form error (and a ``maxlength`` in the page), never a
database error or a megabyte fed to Argon2.
"""

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.validators import MaxLengthValidator

from accounts.providers import data_providers
from accounts.services import NOTE_MAX_LENGTH, normalise_note

EMAIL_MAX_LENGTH = 254  # RFC 5321's limit for a forward path, and the column's size
PASSWORD_MAX_LENGTH = 256


def _cap(field: forms.Field, limit: int) -> None:
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)


class CappedInputMixin:
    """Give every email and password field of an allauth form a maximum length (and labels no colon)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.EmailField):
                _cap(field, EMAIL_MAX_LENGTH)
            elif isinstance(field.widget, forms.PasswordInput):
                _cap(field, PASSWORD_MAX_LENGTH)


class LoginForm(CappedInputMixin, allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in on this device"


class SignupForm(CappedInputMixin, allauth_forms.SignupForm):
    """Sign-up that answers a known address exactly like a new one.

    allauth can only hide whether an address is registered when verification is mandatory; here
    sign-up always finishes through an emailed link (see ``accounts.adapter``), so a known address
    takes allauth's enumeration-safe path: no new account, an "you already have an account" email
    to its owner, and the same "check your inbox" page a newcomer sees.
    """

    def validate_unique_email(self, value: str) -> str:
        self.account_already_exists = _address_taken(value)
        return value


class AddEmailForm(CappedInputMixin, allauth_forms.AddEmailForm):
    """Adding another address; one that belongs to a different account is never attached.

    allauth (hiding which addresses are registered) would attach it unconfirmed, and making it
    primary would then clash with that account's login. Instead the member gets the same "we sent
    a confirmation" message as for a new address, and the address's owner an email saying someone
    tried to use it; nothing is added.
    """

    def save(self, request):
        email = self.cleaned_data["email"]
        if _address_taken(email, by_other_than=self.user):
            adapter = get_adapter()
            adapter.send_account_already_exists_mail(email)
            adapter.add_message(
                request,
                messages.INFO,
                "account/messages/email_confirmation_sent.txt",
                {"email": email, "login": True, "signup": False},
            )
            return EmailAddress(user=self.user, email=email)  # unsaved: nothing was added
        return super().save(request)


def _address_taken(email: str, *, by_other_than=None) -> bool:
    """Whether an account (other than ``by_other_than``'s) logs in with, or holds, ``email``."""
    users = get_user_model().objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if by_other_than is not None:
        users, addresses = users.exclude(pk=by_other_than.pk), addresses.exclude(user=by_other_than)
    return users.exists() or addresses.exists()


class ChangePasswordForm(CappedInputMixin, allauth_forms.ChangePasswordForm):
    pass


class SetPasswordForm(CappedInputMixin, allauth_forms.SetPasswordForm):
    pass


class ResetPasswordForm(CappedInputMixin, allauth_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(CappedInputMixin, allauth_forms.ResetPasswordKeyForm):
    pass


class ReauthenticateForm(CappedInputMixin, allauth_forms.ReauthenticateForm):
    pass


class NoteForm(forms.Form):
    """A member's private note on a saved piece; empty clears it."""

    note = forms.CharField(
        label="Your private note",
        required=False,
        strip=False,  # the service normalises line endings and trims
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX_LENGTH}),
        help_text=f"Only you can see this. Up to {NOTE_MAX_LENGTH:,} characters; leave it empty to clear it.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_note(self) -> str:
        note = normalise_note(self.cleaned_data["note"])
        if len(note) > NOTE_MAX_LENGTH:
            raise forms.ValidationError(
                f"A note can hold up to {NOTE_MAX_LENGTH:,} characters; this one has {len(note):,}.",
                code="max_length",
            )
        return note


class DeleteAccountForm(forms.Form):
    """Deleting an account needs the account's password, typed again."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user
        self.providers = {}
        for provider in data_providers():
            question = provider.deletion_question(user)
            if question is not None:
                label, choices = question
                name = f"{provider.name}_choice"
                self.fields[name] = forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect)
                self.providers[name] = provider

    def questions(self) -> list:
        """The other apps' questions, as bound fields."""
        return [self[name] for name in self.providers]

    def forget_elsewhere(self) -> None:
        """Let each app deal with its part, as the member answered, before the account goes."""
        for name, provider in self.providers.items():
            provider.forget(self.user, self.cleaned_data.get(name))

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing has been deleted.", code="wrong_password")
        return password


class MemberCreationForm(AdminUserCreationForm):
    """The admin's "add user" form for a model whose login is the email address."""

    class Meta(AdminUserCreationForm.Meta):
        model = get_user_model()
        fields = ("email",)
        field_classes: dict = {}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A member with this email address already exists.", code="unique")
        return email


class MemberChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = get_user_model()
        fields = "__all__"
        field_classes: dict = {}
