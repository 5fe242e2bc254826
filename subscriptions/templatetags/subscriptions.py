"""``{% subscription_panel %}``: the member's email subscription on the account page.

A template tag, so that the account page can show it without the accounts app importing this one.
"""

from django import template

from subscriptions.forms import PreferencesForm
from subscriptions.models import Subscriber

register = template.Library()


@register.inclusion_tag("subscriptions/account_panel.html", takes_context=True)
def subscription_panel(context):
    user = context["request"].user
    subscriber = Subscriber.objects.filter(user=user).first() if user.is_authenticated else None
    return {
        "user": user,
        "subscriber": subscriber,
        "form": PreferencesForm.for_subscriber(subscriber) if subscriber else None,
        "csrf_token": context.get("csrf_token"),
    }
