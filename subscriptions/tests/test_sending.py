"""Publishing and emailing: through the database task backend, django-tasks-db's worker and a real SMTP server."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blog.models import Post
from blog.tests.factories import PostFactory
from subscriptions import emails, sending, services, tokens
from subscriptions.models import Delivery, Mailing, Subscriber
from subscriptions.tests.factories import SubscriberFactory, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def publish_and_email(client, *posts):
    return client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "publish_and_email", "_selected_action": [post.pk for post in posts]},
    )


def test_publish_and_email_sends_one_message_to_each_subscriber_and_none_to_others(smtp_server, admin_client):
    post = PostFactory(status=Post.Status.DRAFT, tags=["Rest"], body="A [link](/tags/rest/) and ![x](/media/a.png)")
    readers = SubscriberFactory.create_batch(3)
    tag_follower = SubscriberFactory(frequency=Subscriber.Frequency.TAGS, tags=post.tags.all())
    SubscriberFactory(frequency=Subscriber.Frequency.TAGS, tags=[PostFactory(tags=["Joy"]).tags.get()])
    SubscriberFactory(frequency=Subscriber.Frequency.OFF)
    SubscriberFactory(frequency=Subscriber.Frequency.WEEKLY)
    SubscriberFactory(suppressed_at=timezone.now())

    response = publish_and_email(admin_client, post)
    assert response.status_code == 302
    # The request queued the work and sent nothing itself.
    assert smtp_server.handler.accepted == []
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED

    run_worker()

    expected = {s.email: 1 for s in [*readers, tag_follower]}
    assert smtp_server.handler.by_recipient() == expected
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_the_email_carries_the_essay_the_unsubscribe_headers_and_no_tracking(smtp_server, settings):
    settings.SITE_URL = "https://essays.example"
    post = PostFactory(title="Tea in the garden", body="See [this](/tags/rest/).\n\n![A cup](/media/cup.png)")
    subscriber = SubscriberFactory(email="reader@example.org")
    services.email_post(post=post)
    run_worker()

    (accepted,) = smtp_server.handler.accepted
    message = accepted.message
    assert message["Subject"] == "Tea in the garden"
    assert message["From"] == f"{settings.SITE_NAME} <hello@localhost>"
    assert message["To"] == "reader@example.org"
    token = tokens.subscriber_token(subscriber.pk)
    unsubscribe_url = f"https://essays.example/unsubscribe/{token}/"
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe_url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Plain on the wire (at most folded after the colon): never an encoded word mail programs can't read.
    assert re.search(rb"\r\nList-Unsubscribe:(\r\n)? <https://essays\.example/unsubscribe/", accepted.raw)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "https://essays.example/posts/" in text and unsubscribe_url in text
    assert 'href="https://essays.example/tags/rest/"' in html
    # The essay's picture was never stored, so its words stand in; and there is no tracking pixel.
    assert "<img" not in html
    assert f'href="{unsubscribe_url}"' in html
    assert "reader@example.org subscribed" in html
    # Every link points straight at the site: no redirector.
    assert all(url.startswith("https://essays.example/") for url in re.findall(r'href="([^"]+)"', html))


def test_emailing_again_republishing_or_editing_never_sends_twice(smtp_server, admin_client):
    post = PostFactory()
    SubscriberFactory()
    publish_and_email(admin_client, post)
    run_worker()
    publish_and_email(admin_client, post)
    call_command("send_post_email", post.slug, verbosity=0)
    post.status = Post.Status.DRAFT
    post.save()
    post.status = Post.Status.PUBLISHED
    post.save()
    run_worker()
    assert len(smtp_server.handler.accepted) == 1
    assert Mailing.objects.count() == 1


def test_the_plain_publish_action_and_saving_never_email(smtp_server, admin_client):
    post = PostFactory(status=Post.Status.DRAFT)
    SubscriberFactory()
    admin_client.post(reverse("admin:blog_post_changelist"), {"action": "publish", "_selected_action": [post.pk]})
    run_worker()
    assert smtp_server.handler.accepted == []
    assert not Mailing.objects.exists()


def test_a_scheduled_essay_is_emailed_when_its_time_comes(smtp_server, admin_client):
    SubscriberFactory()
    post = PostFactory(status=Post.Status.DRAFT, published_at=timezone.now() + datetime.timedelta(hours=2))
    publish_and_email(admin_client, post)
    run_worker()
    assert smtp_server.handler.accepted == []
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2, minutes=1)):
        run_worker()
    assert len(smtp_server.handler.accepted) == 1


def test_send_post_email_command_refuses_a_draft_and_sends_a_published_post(smtp_server):
    from django.core.management.base import CommandError

    draft = PostFactory(status=Post.Status.DRAFT)
    with pytest.raises(CommandError, match="draft"):
        call_command("send_post_email", draft.slug)
    post = PostFactory()
    SubscriberFactory.create_batch(2)
    call_command("send_post_email", post.slug, verbosity=0)
    run_worker()
    assert len(smtp_server.handler.accepted) == 2


def test_a_permanent_refusal_suppresses_the_address(smtp_server):
    post = PostFactory()
    gone = SubscriberFactory(email="gone@example.org")
    kept = SubscriberFactory(email="kept@example.org")
    smtp_server.handler.refuse["gone@example.org"] = "550 5.1.1 No such user"
    services.email_post(post=post)
    run_worker()

    assert smtp_server.handler.by_recipient() == {"kept@example.org": 1}
    gone.refresh_from_db()
    assert gone.suppressed_at is not None and "550" in gone.suppressed_reason
    assert Delivery.objects.get(subscriber=gone).status == Delivery.Status.SUPPRESSED
    assert Delivery.objects.get(subscriber=kept).status == Delivery.Status.SENT
    # The next essay does not even try the address.
    services.email_post(post=PostFactory())
    run_worker()
    assert smtp_server.handler.by_recipient() == {"kept@example.org": 2}


def test_a_temporary_refusal_is_retried_later(smtp_server, settings):
    settings.SUBSCRIPTIONS_RETRY_SECONDS = 60
    settings.SUBSCRIPTIONS_CLAIM_SECONDS = 60
    post = PostFactory()
    busy = SubscriberFactory(email="busy@example.org")
    smtp_server.handler.put_off["busy@example.org"] = 2
    services.email_post(post=post)
    run_worker()
    delivery = Delivery.objects.get(subscriber=busy)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.WAITING, 1)
    assert "451" in delivery.last_error
    assert smtp_server.handler.accepted == []

    for minutes in (2, 5):
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes)):
            run_worker()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 3
    assert smtp_server.handler.by_recipient() == {"busy@example.org": 1}
    # The follow-up chain ended: nothing is left queued.
    assert not DBTaskResult.objects.ready().exists()


def test_someone_who_unsubscribes_during_a_fan_out_is_not_sent_the_rest(smtp_server):
    post = PostFactory()
    leaving = SubscriberFactory()
    mailing, _ = services.email_post(post=post)
    sending.fan_out(Mailing.objects.get(pk=mailing.pk))
    services.unsubscribe(subscriber=leaving)
    run_worker()
    assert smtp_server.handler.accepted == []
    assert Delivery.objects.get().status == Delivery.Status.CANCELLED


@pytest.mark.slow
def test_importing_posts_never_emails(smtp_server):
    SubscriberFactory()
    call_command("import_jekyll", "content/posts", verbosity=0)
    assert Post.objects.published().exists()
    run_worker()
    assert smtp_server.handler.accepted == []
    assert not Mailing.objects.exists()


def test_staff_see_each_essays_deliveries_by_state(smtp_server, admin_client):
    post = PostFactory(title="Counted essay")
    SubscriberFactory.create_batch(2)
    smtp_server.handler.refuse["gone@example.org"] = "550 5.1.1 No such user"
    SubscriberFactory(email="gone@example.org")
    mailing, _ = services.email_post(post=post)
    run_worker()
    page = admin_client.get(reverse("admin:subscriptions_mailing_changelist")).content.decode()
    assert "Counted essay" in page
    assert re.search(r'status=sent">2</a>', page) and re.search(r'status=suppressed">1</a>', page)
    url = reverse("admin:subscriptions_delivery_changelist")
    response = admin_client.get(url, {"mailing__id__exact": mailing.pk, "status": "suppressed"})
    assert response.status_code == 200
    assert "gone@example.org" in response.content.decode()
    assert "550 5.1.1" in response.content.decode()


def test_links_and_pictures_are_made_absolute_for_mail():
    fragment = (
        '<p><a href="/tags/rest/">a</a> <a href="#note-1">1</a> <a href="https://elsewhere.example/x">x</a></p>'
        '<img src="/media/a.jpg" alt="" srcset="/media/a-400.jpg 400w, /media/a.jpg 1200w" sizes="100vw">'
    )
    result = emails.absolute_links(fragment, "https://essays.example/posts/tea/")
    assert 'href="https://essays.example/tags/rest/"' in result
    assert 'href="https://essays.example/posts/tea/#note-1"' in result
    assert 'href="https://elsewhere.example/x"' in result
    assert 'src="https://essays.example/media/a.jpg"' in result
    assert 'srcset="https://essays.example/media/a-400.jpg 400w, https://essays.example/media/a.jpg 1200w"' in result
