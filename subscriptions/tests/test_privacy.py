"""A member's email subscription in "Download my data", and what deleting the account does to it."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.tests.factories import PASSWORD
from blog.models import Post
from blog.tests.factories import PostFactory
from subscriptions.models import Delivery, Mailing, Subscriber
from subscriptions.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def export(client) -> dict:
    return json.loads(client.get("/accounts/export/").content)


def test_the_export_holds_the_subscription_its_tags_and_the_emails_sent(member, member_client):
    sent_post = PostFactory(title="Tea in the garden", tags=["Rest"])
    draft = PostFactory(title="A private draft", status=Post.Status.DRAFT)
    subscriber = SubscriberFactory(email="ann@example.org", user=member, frequency=Subscriber.Frequency.TAGS)
    subscriber.tags.set(sent_post.tags.all())
    Delivery.objects.create(
        mailing=Mailing.objects.create(post=sent_post),
        subscriber=subscriber,
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
    )
    Delivery.objects.create(mailing=Mailing.objects.create(post=draft), subscriber=subscriber)
    SubscriberFactory(email="someone.else@example.org")

    (mine,) = export(member_client)["email_subscriptions"]
    assert mine["email"] == "ann@example.org" and mine["choice"] == "tags" and mine["tags"] == ["Rest"]
    assert mine["confirmed_at"] and mine["attached_to_this_account"] is True
    sent, waiting = mine["emails"]
    assert sent["essay"] == "Tea in the garden" and sent["status"] == "sent" and sent["url"].endswith("/")
    assert waiting["essay"] is None and "A private draft" not in json.dumps(mine)


def test_the_export_includes_a_subscription_kept_for_another_confirmed_address_only(member, member_client):
    EmailAddress.objects.create(user=member, email="Ann.Work@example.org", verified=True)
    EmailAddress.objects.create(user=member, email="typed@example.org", verified=False)
    SubscriberFactory(email="ann.work@example.org")
    SubscriberFactory(email="typed@example.org")
    assert [each["email"] for each in export(member_client)["email_subscriptions"]] == ["ann.work@example.org"]


def test_no_subscription_is_an_empty_list_and_no_question_on_deletion(member, member_client):
    assert export(member_client)["email_subscriptions"] == []
    assert "Essays by email" not in member_client.get("/accounts/delete/").content.decode()


def test_deleting_the_account_may_keep_the_essays_coming_without_it(member, member_client):
    SubscriberFactory(email="ann@example.org", user=member)
    page = member_client.get("/accounts/delete/").content.decode()
    assert "Essays by email" in page and "Keep sending essays to ann@example.org" in page

    answer = member_client.post("/accounts/delete/", {"password": PASSWORD, "email_subscriptions_choice": "keep"})
    assert answer.status_code == 302
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    kept = Subscriber.objects.get(email="ann@example.org")
    assert kept.user is None and kept.is_receiving


def test_deleting_the_account_stops_and_forgets_every_subscription_of_its_addresses(member, member_client):
    EmailAddress.objects.create(user=member, email="ann.work@example.org", verified=True)
    SubscriberFactory(email="ann@example.org", user=member)
    SubscriberFactory(email="ann.work@example.org", frequency=Subscriber.Frequency.OFF)
    SubscriberFactory(email="bea@example.org")

    answer = member_client.post("/accounts/delete/", {"password": PASSWORD, "email_subscriptions_choice": "stop"})
    assert answer.status_code == 302
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["bea@example.org"]


def test_the_question_must_be_answered(member, member_client):
    SubscriberFactory(email="ann@example.org", user=member)
    answer = member_client.post("/accounts/delete/", {"password": PASSWORD})
    assert answer.status_code == 400
    assert get_user_model().objects.filter(pk=member.pk).exists()
