"""The address form on /subscribe/ and the preferences form (account page and the emailed link)."""

from django import forms
from taggit.models import Tag

from subscriptions.models import Subscriber


class SubscribeForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254)


class PreferencesForm(forms.Form):
    frequency = forms.ChoiceField(label="How often", choices=Subscriber.Frequency.choices, widget=forms.RadioSelect)
    tags = forms.ModelMultipleChoiceField(
        label="Tags to follow",
        help_text="Used when you choose “Only essays with the tags I choose”.",
        queryset=Tag.objects.filter(blog_taggedpost_items__isnull=False).distinct().order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("frequency") == Subscriber.Frequency.TAGS and not cleaned.get("tags"):
            self.add_error("tags", "Choose at least one tag, or another option.")
        return cleaned

    @classmethod
    def for_subscriber(cls, subscriber: Subscriber, data=None) -> "PreferencesForm":
        initial = {"frequency": subscriber.frequency, "tags": list(subscriber.tags.values_list("pk", flat=True))}
        return cls(data=data, initial=initial)
