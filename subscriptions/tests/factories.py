"""Factories and helpers for the subscriptions tests (and the browser test)."""

import factory
from django.core.management import call_command
from factory.django import DjangoModelFactory

from subscriptions.models import Subscriber


class SubscriberFactory(DjangoModelFactory):
    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"follower{n}@example.org")

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(list(extracted))


def run_worker() -> None:
    """django-tasks-db's own worker, in this process, until no task is ready (needs committed rows)."""
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)
