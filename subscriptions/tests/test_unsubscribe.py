"""One-click unsubscribe (RFC 8058): POST with the signed link and nothing else; GET only shows a button."""

import pytest
from django.test import Client
from django.urls import reverse

from subscriptions import tokens
from subscriptions.models import Subscriber
from subscriptions.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def url_for(token):
    return reverse("subscriptions:unsubscribe", kwargs={"token": token})


def test_a_post_with_the_signed_link_unsubscribes_without_login_or_csrf_token():
    subscriber = SubscriberFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        url_for(tokens.subscriber_token(subscriber.pk)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.frequency == Subscriber.Frequency.OFF
    # Twice is the same as once.
    assert client.post(url_for(tokens.subscriber_token(subscriber.pk))).status_code == 200


def test_a_get_only_shows_the_button(client):
    subscriber = SubscriberFactory()
    response = client.get(url_for(tokens.subscriber_token(subscriber.pk)))
    assert response.status_code == 200
    assert b'<button type="submit">Unsubscribe</button>' in response.content
    subscriber.refresh_from_db()
    assert subscriber.frequency == Subscriber.Frequency.EACH


def test_a_forged_or_altered_token_is_refused(client):
    subscriber = SubscriberFactory()
    other = SubscriberFactory()
    token = tokens.subscriber_token(subscriber.pk)
    altered = f"{other.pk}-{token.partition('-')[2]}"
    forged = [altered, token[:-2], token[:-1] + "A", f"{subscriber.pk}-{'A' * 20}", str(subscriber.pk), "٣-" + "A" * 20]
    for bad in [*forged, tokens.confirm_token(subscriber.email)]:
        assert client.post(url_for(bad)).status_code == 400, bad
    assert not Subscriber.objects.filter(frequency=Subscriber.Frequency.OFF).exists()


def test_a_link_for_a_deleted_subscriber_is_refused(client):
    subscriber = SubscriberFactory()
    token = tokens.subscriber_token(subscriber.pk)
    subscriber.delete()
    assert client.post(url_for(token)).status_code == 400
