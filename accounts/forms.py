"""Members' forms: allauth's account forms with capped input sizes, the private note, account deletion.

allauth's forms accept email addresses and passwords of any length; every form a person can post
here caps them, so an over-long value is a form error (and a ``maxlength`` in the page), never a
database error or a megabyte fed to Argon2.
"""

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.hashers import make_password
from django.core.validators import MaxLengthValidator

from accounts import addresses
from accounts.providers import data_providers
from accounts.services import NOTE_MAX_LENGTH, normalise_note

EMAIL_MAX_LENGTH = 254  # RFC 5321's limit for a forward path, and the column's size
PASSWORD_MAX_LENGTH = 256
LOGIN_CODE_MAX_LENGTH = 20  # allauth's codes are 6 to 9 characters, dashes included


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
    """Sign-up that answers a known address exactly like a new one, in what it says and what it costs.

    allauth can only hide whether an address is registered when verification is mandatory; here
    sign-up always finishes through an emailed link (see ``accounts.adapter``), so a known address
    takes allauth's enumeration-safe path: no new account, an "you already have an account" email
    to its owner, and the same "check your inbox" page a newcomer sees. That path also hashes the
    password, as making an account does, so the answer takes as long. Only an address someone has
    proved they read counts as known (``accounts.addresses``).
    """

    def validate_unique_email(self, value: str) -> str:
        self.account_already_exists = addresses.sign_up_refused(value)
        return value

    def try_save(self, request):
        if self.account_already_exists:
            # The new-account path's dominant cost is hashing the password: spend it here too.
            make_password(self.cleaned_data.get("password1") or "")
        else:
            addresses.release_unproven_claims(email=self.cleaned_data["email"])
        return super().try_save(request)


class AddEmailForm(CappedInputMixin, allauth_forms.AddEmailForm):
    """Adding another address; one that another account holds answers exactly like a new one.

    Both are listed, unconfirmed, and both get an email; but the holder of a taken address is told
    that someone tried to use it instead of being sent a link (``AccountAdapter.send_confirmation_mail``),
    so it can never be confirmed here, and an unconfirmed address cannot become the login address
    of an account that has a confirmed one.
    """


PASSWORD_HINT = "At least 12 characters. A few unrelated words make a strong one."


class ChangePasswordForm(CappedInputMixin, allauth_forms.ChangePasswordForm):
    """allauth's form in the site's voice: sentence-case labels, a short hint, a plain error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = "Current password"
        self.fields["password1"].label = "New password"
        self.fields["password1"].help_text = PASSWORD_HINT
        self.fields["password2"].label = "New password (again)"

    def clean_oldpassword(self):
        try:
            return super().clean_oldpassword()
        except forms.ValidationError as error:
            raise forms.ValidationError("That is not your current password.") from error


class SetPasswordForm(CappedInputMixin, allauth_forms.SetPasswordForm):
    pass


class ResetPasswordForm(CappedInputMixin, allauth_forms.ResetPasswordForm):
    """A reset link goes only to an account that proved it reads the address (``accounts.addresses``).

    Anyone else (nobody, or an account that merely added the address) gets allauth's "no account with
    this address" email, and the page answers the same either way.
    """

    def clean_email(self) -> str:
        email = super().clean_email()
        holders = set(addresses.proven_holders(email).values_list("pk", flat=True))
        self.users = [user for user in self.users if user.pk in holders]
        return email


class RequestLoginCodeForm(CappedInputMixin, allauth_forms.RequestLoginCodeForm):
    """A login code goes only to an account that proved it reads the address, as a reset link does.

    Otherwise whoever signed up with someone else's address would have its owner log into their account
    with the code (and confirm the address for them). Anyone else gets allauth's "no account with this
    address" email; the page answers the same either way.
    """

    def clean_email(self) -> str:
        email = super().clean_email()
        if self._user is not None and not addresses.proven_holders(email).filter(pk=self._user.pk).exists():
            self._user = None
        return email


class ConfirmLoginCodeForm(allauth_forms.ConfirmLoginCodeForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        _cap(self.fields["code"], LOGIN_CODE_MAX_LENGTH)
        self.fields["code"].label = "Your login code"
        self.fields["code"].widget.attrs.update(autocapitalize="characters", spellcheck="false")


class ResetPasswordKeyForm(CappedInputMixin, allauth_forms.ResetPasswordKeyForm):
    pass


class ReauthenticateForm(CappedInputMixin, allauth_forms.ReauthenticateForm):
    pass


class NoteForm(forms.Form):
    """A member's private note on a saved piece.

    No ``maxlength`` in the page: a browser cuts pasted text there without a word. An over-long note
    is refused with an error instead (static/js/save.js counts as the member types). Emptying an
    existing note is refused too: deleting a note is its own action, which shows the words first.
    """

    note = forms.CharField(
        label="Your private note",
        required=False,
        strip=False,  # the service normalises line endings and trims
        widget=forms.Textarea(attrs={"rows": 4, "data-max-length": NOTE_MAX_LENGTH}),
        help_text=f"Only you can see this. Up to {NOTE_MAX_LENGTH:,} characters.",
    )

    def __init__(self, *args, current: str = "", **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_note(self) -> str:
        note = normalise_note(self.cleaned_data["note"])
        if len(note) > NOTE_MAX_LENGTH:
            raise forms.ValidationError(
                f"A note can hold up to {NOTE_MAX_LENGTH:,} characters; this one has {len(note):,}.",
                code="max_length",
            )
        if not note and self.current:
            raise forms.ValidationError(
                "This note is empty. To delete your note, use “Delete this note”.", code="empty"
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
            name = f"{provider.name}_choice"
            question = provider.deletion_question(user)
            if question is not None:
                label, choices = question
                self.fields[name] = forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect)
            self.providers[name] = provider

    def questions(self) -> list:
        """The other apps' questions, as bound fields."""
        return [self[name] for name in self.providers if name in self.fields]

    def forget_elsewhere(self) -> None:
        """Let each app deal with its part, as the member answered (None: not asked), before the account goes."""
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
