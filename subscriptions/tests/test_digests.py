"""Weekly digests: the writer's day, the week's essays, once per week however often the command runs."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from blog.models import Post
from blog.tests.factories import PostFactory
from subscriptions import services
from subscriptions.models import DigestDay, Mailing, Subscriber
from subscriptions.tests.factories import SubscriberFactory, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

# A Friday, the default digest day.
FRIDAY = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)


def at(moment):
    return time_machine.travel(moment, tick=False)


def test_digest_period_ends_on_the_latest_digest_day():
    friday = datetime.date(2026, 11, 27)
    assert services.digest_period(friday, friday.weekday()) == (datetime.date(2026, 11, 20), friday)
    assert services.digest_period(friday + datetime.timedelta(days=3), friday.weekday()) == (
        datetime.date(2026, 11, 20),
        friday,
    )


def test_the_weekly_digest_goes_to_weekly_subscribers_once_per_week(smtp_server):
    with at(FRIDAY - datetime.timedelta(days=10)):
        PostFactory(title="Too old", days_ago=0)
    with at(FRIDAY - datetime.timedelta(days=3)):
        PostFactory(title="This week", days_ago=0)
        PostFactory(title="Not yet public", days_ago=0, status=Post.Status.DRAFT)
    weekly = SubscriberFactory(frequency=Subscriber.Frequency.WEEKLY)
    SubscriberFactory(frequency=Subscriber.Frequency.EACH)
    SubscriberFactory(frequency=Subscriber.Frequency.OFF)

    with at(FRIDAY):
        call_command("send_digests", verbosity=0)
        call_command("send_digests", verbosity=0)
        run_worker()
    with at(FRIDAY + datetime.timedelta(days=2)):
        call_command("send_digests", verbosity=0)
        run_worker()

    (accepted,) = smtp_server.handler.accepted
    assert accepted.recipients == [weekly.email]
    text = accepted.message.get_body(("plain",)).get_content()
    assert "This week" in text and "Too old" not in text and "Not yet public" not in text
    assert accepted.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Mailing.objects.filter(kind=Mailing.Kind.DIGEST).count() == 1


def test_the_writer_chooses_the_day(smtp_server):
    DigestDay.objects.create(pk=1, weekday=0)  # Monday
    SubscriberFactory(frequency=Subscriber.Frequency.WEEKLY)
    with at(FRIDAY - datetime.timedelta(days=2)):
        PostFactory(days_ago=0)
    with at(FRIDAY):
        call_command("send_digests", verbosity=0)
        run_worker()
    # Friday's run sends the week that ended on the Monday before, which had no essays: nothing.
    assert smtp_server.handler.accepted == []
    with at(FRIDAY + datetime.timedelta(days=3)):
        call_command("send_digests", verbosity=0)
        run_worker()
    assert len(smtp_server.handler.accepted) == 1


def test_a_week_without_essays_sends_nothing(smtp_server):
    SubscriberFactory(frequency=Subscriber.Frequency.WEEKLY)
    with at(FRIDAY):
        call_command("send_digests", verbosity=0)
        run_worker()
    assert smtp_server.handler.accepted == []


def test_dry_run_queues_nothing(db):
    with at(timezone.now()):
        call_command("send_digests", "--dry-run", verbosity=0)
    assert not Mailing.objects.exists()
