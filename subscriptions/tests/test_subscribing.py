"""Double opt-in on /subscribe/, preferences by signed link and on the account page."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from subscriptions import tokens
from subscriptions.models import Subscriber
from subscriptions.tests.factories import SubscriberFactory, run_worker

SUBSCRIBE = "/subscribe/"


def confirm_link(message) -> str:
    return re.search(r"https?://\S+/subscribe/confirm/\S+/", message.get_body(("plain",)).get_content()).group(0)


@pytest.mark.django_db(transaction=True)
def test_double_opt_in_through_the_worker_and_a_real_smtp_server(client, smtp_server, settings):
    response = client.post(SUBSCRIBE, {"email": "New.Reader@Example.org"})
    assert response.status_code == 200
    assert b"Check your inbox" in response.content
    assert not Subscriber.objects.exists()
    run_worker()

    (accepted,) = smtp_server.handler.accepted
    assert accepted.recipients == ["new.reader@example.org"]
    path = confirm_link(accepted.message).removeprefix(settings.SITE_URL)
    # Opening the link (as a mail scanner would) confirms nothing.
    assert client.get(path).status_code == 200
    assert not Subscriber.objects.exists()

    response = client.post(path)
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "new.reader@example.org"
    assert subscriber.frequency == Subscriber.Frequency.EACH
    member = subscriber.user
    assert member.email == "new.reader@example.org" and not member.has_usable_password()
    # A second press changes nothing and makes no second member.
    client.post(path)
    assert Subscriber.objects.count() == 1 and get_user_model().objects.count() == 1


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(client, member, django_capture_on_commit_callbacks):
    SubscriberFactory(email=member.email, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(SUBSCRIBE, {"email": member.email})
        unknown = client.post(SUBSCRIBE, {"email": "someone@example.org"})
    known_page = known.content.decode().replace(member.email, "X")
    unknown_page = unknown.content.decode().replace("someone@example.org", "X")
    assert known.status_code == unknown.status_code == 200
    assert known_page == unknown_page


def test_confirming_attaches_to_the_existing_member(db, member):
    client = Client()
    client.post(reverse("subscriptions:confirm", kwargs={"token": tokens.confirm_token(member.email)}))
    assert Subscriber.objects.get().user == member
    assert get_user_model().objects.count() == 1


def test_asking_twice_in_a_row_sends_one_confirmation(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SUBSCRIBE, {"email": "a@example.org"})
        client.post(SUBSCRIBE, {"email": "A@example.org "})
    assert DBTaskResult.objects.count() == 1


@pytest.mark.parametrize("token", ["nonsense", tokens.MAX_TOKEN_LENGTH * "a"])
def test_a_bad_confirmation_link_is_refused(client, db, token):
    response = client.post(reverse("subscriptions:confirm", kwargs={"token": token}))
    assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_an_altered_confirmation_link_is_refused(client, db):
    token = tokens.confirm_token("me@example.org")
    value, signature = token.rsplit(":", 1)
    forged = tokens.confirm_token("other@example.org").rsplit(":", 1)[0] + ":" + signature
    assert client.post(reverse("subscriptions:confirm", kwargs={"token": forged})).status_code == 400
    assert not Subscriber.objects.exists()


def test_an_invalid_address_is_a_form_error(client, db):
    response = client.post(SUBSCRIBE, {"email": "not an address"})
    assert response.status_code == 400
    assert b"Enter a valid email address" in response.content


def test_preferences_by_the_emailed_link(client, db, post):
    subscriber = SubscriberFactory()
    url = reverse("subscriptions:manage", kwargs={"token": tokens.subscriber_token(subscriber.pk)})
    assert client.get(url).status_code == 200
    tag = post.tags.get()
    assert client.post(url, {"frequency": "tags"}).status_code == 400
    response = client.post(url, {"frequency": "tags", "tags": [tag.pk]})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.frequency == "tags" and list(subscriber.tags.all()) == [tag]
    client.post(url, {"frequency": "weekly", "tags": [tag.pk]})
    subscriber.refresh_from_db()
    assert subscriber.frequency == "weekly" and not subscriber.tags.exists()


def test_members_manage_it_on_their_account_page(client, member):
    client.force_login(member)
    page = client.get(reverse("accounts:account"))
    assert b"Essays by email" in page.content and b"Subscribe" in page.content
    subscriber = SubscriberFactory(email=member.email, user=member)
    assert b"Save my choice" in client.get(reverse("accounts:account")).content
    response = client.post(reverse("subscriptions:preferences"), {"frequency": "weekly"})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.frequency == "weekly"


def test_member_preferences_need_a_login(client, db):
    response = client.post(reverse("subscriptions:preferences"), {"frequency": "off"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_subscribe_page_explains_feeds_and_email(client, db):
    content = client.get(SUBSCRIBE).content.decode()
    assert "feed.xml" in content and 'name="email"' in content


def test_one_visitor_cannot_mail_a_long_list_of_strangers(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "3/m/ip"}
    statuses = [client.post(SUBSCRIBE, {"email": f"stranger{n}@example.org"}).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_put_off_by_the_server_is_sent_later(client, smtp_server, settings):
    settings.SUBSCRIPTIONS_RETRY_SECONDS = 60
    smtp_server.handler.put_off["later@example.org"] = 1
    client.post(SUBSCRIBE, {"email": "later@example.org"})
    run_worker()
    assert smtp_server.handler.accepted == []
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        run_worker()
    assert smtp_server.handler.by_recipient() == {"later@example.org": 1}
