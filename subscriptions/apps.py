"""Following by email: subscribers, the essays and digests sent to them, and the background work."""

from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Email subscriptions"
