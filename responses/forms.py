"""Members' forms: write, edit and report a response, and choose a display name."""

from django import forms
from django.core.validators import MaxLengthValidator

from responses.models import BODY_MAX_LENGTH, DISPLAY_NAME_MAX_LENGTH, Report


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _body_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,  # the service normalises and trims
        # The real cap is checked after line endings are normalised; this one only stops a megabyte early
        # (a validator, not max_length, which would put its own number into the page's maxlength).
        validators=[MaxLengthValidator(BODY_MAX_LENGTH * 2)],
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": BODY_MAX_LENGTH, "data-counter": ""}),
        help_text=(
            f"Up to {BODY_MAX_LENGTH:,} characters. *Emphasis*, **strong**, [links](https://example.org), "
            "lists and > quotes work."
        ),
        error_messages={"max_length": f"A response holds up to {BODY_MAX_LENGTH:,} characters."},
    )


class DisplayNameForm(_Form):
    display_name = forms.CharField(
        label="Your display name",
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text="Shown beside your responses. Not your email address; you can change it on your account page.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )


class ResponseForm(_Form):
    body = _body_field("Your response")
    parent = forms.IntegerField(required=False, min_value=1, max_value=2**53, widget=forms.HiddenInput)
    key = forms.UUIDField(widget=forms.HiddenInput)
    display_name = forms.CharField(
        label="Your display name",
        required=False,
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text="Shown beside your responses, never your email address.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def __init__(self, *args, needs_name: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_name = needs_name
        if needs_name:
            self.fields["display_name"].required = True
        else:
            del self.fields["display_name"]


class EditForm(_Form):
    body = _body_field("Your response")


class ReportForm(_Form):
    reason = forms.ChoiceField(label="What is wrong?", choices=Report.Reason.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="Anything staff should know (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )


class NoticesForm(_Form):
    replies = forms.BooleanField(
        label="A daily summary of replies to my responses",
        required=False,
        help_text="One email a day at most, only when someone replied. Off unless you turn it on.",
    )
    moderation = forms.BooleanField(
        label="Moderation emails",
        required=False,
        help_text="A daily summary when responses or reports wait for a look, and an email at once when "
        "someone may be at risk.",
    )

    def __init__(self, *args, moderator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not moderator:
            del self.fields["moderation"]
