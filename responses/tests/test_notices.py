"""Emails about responses, through the worker and a real SMTP server: replies summaries, moderators'
summaries and at-risk alerts; once a day, only with news, only what the recipient may see."""

import datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blog.tests.factories import PostFactory
from responses import moderation, services
from responses.models import ModerationLog, NoticeEmail, Notices, PostResponses, Report, Response
from responses.tests.factories import make_member, make_response
from subscriptions.models import Subscriber
from subscriptions.tests.factories import SubscriberFactory, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

# Days ahead of the real clock: posts made by the factories (published now) are public by then.
MORNING = datetime.datetime.combine(
    datetime.datetime.now(tz=datetime.UTC).date() + datetime.timedelta(days=4), datetime.time(6, 0), tzinfo=datetime.UTC
)


def at(moment):
    return time_machine.travel(moment, tick=False)


def reply(*, to, author, body="I felt this too.", status=Response.Status.PUBLISHED):
    published_at = timezone.now() if status == Response.Status.PUBLISHED else None
    return make_response(post=to.post, author=author, parent=to, body=body, status=status, published_at=published_at)


def send_summaries():
    call_command("send_response_summaries", verbosity=0)
    run_worker()


def bodies(accepted) -> tuple[str, str]:
    message = accepted.message
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def make_moderator(email: str):
    """Staff allowed to moderate responses (the permission the Editors group carries)."""
    user = get_user_model().objects.create_user(email=email, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_response", content_type__app_label="responses"))
    return user


@pytest.fixture
def ann():
    """A member who asked for the replies summary, with one response of her own."""
    with at(MORNING - datetime.timedelta(days=2)):
        member = make_member("Ann")
        services.notices_set(user=member, replies=True)
    return member


def test_the_summary_lists_new_published_replies_by_others_once(smtp_server, ann):
    post = PostFactory(title="Tea in the garden")
    with at(MORNING - datetime.timedelta(hours=5)):
        mine = make_response(post=post, author=ann, body="I sit with my tea each morning.")
        bea, cy = make_member("Bea"), make_member("Cy")
        kind = reply(to=mine, author=bea, body="So do I, and it *helps*.")
        reply(to=mine, author=cy, body="Still waiting for a look.", status=Response.Status.HELD)
        reply(to=mine, author=cy, body="Hidden by staff.", status=Response.Status.HIDDEN)
        reply(to=mine, author=cy, body="Deleted by its author.", status=Response.Status.REMOVED)
        reply(to=mine, author=ann, body="My own answer.")
        reply(to=make_response(post=post, author=cy), author=bea, body="Not to Ann.")

    with at(MORNING):
        send_summaries()
        send_summaries()  # the timer ran twice: nothing goes twice

    (accepted,) = smtp_server.handler.accepted
    assert accepted.recipients == [ann.email]
    text, html = bodies(accepted)
    assert "So do I, and it helps." in text and "Bea" in text and "Tea in the garden" in text
    permalink = f"/responses/{kind.pk}/"
    assert permalink in text and permalink in html
    for hidden in ("Still waiting", "Hidden by staff", "Deleted by", "My own answer", "Not to Ann"):
        assert hidden not in text and hidden not in html
    assert accepted.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert accepted.message["List-Unsubscribe"].startswith("<http")
    assert b"List-Unsubscribe: <http" in accepted.raw  # one plain line, not an encoded word mail programs ignore
    assert NoticeEmail.objects.get().status == NoticeEmail.Status.SENT
    # The permalink lands on the reply's anchor.
    assert Client().get(permalink)["Location"].endswith(f"#response-{kind.pk}")


def test_nothing_new_sends_nothing_and_the_next_summary_starts_where_the_last_ended(smtp_server, ann):
    post = PostFactory()
    with at(MORNING - datetime.timedelta(hours=5)):
        mine = make_response(post=post, author=ann)
        bea = make_member("Bea")
        reply(to=mine, author=bea, body="The first reply.")
    with at(MORNING):
        send_summaries()
    with at(MORNING + datetime.timedelta(days=1)):
        send_summaries()  # nothing new since yesterday
    assert len(smtp_server.handler.accepted) == 1

    with at(MORNING + datetime.timedelta(days=1, hours=3)):
        reply(to=mine, author=bea, body="The second reply.")
    with at(MORNING + datetime.timedelta(days=2)):
        send_summaries()
    first, second = smtp_server.handler.accepted
    text, _ = bodies(second)
    assert "The second reply." in text and "The first reply." not in text


def test_a_reply_held_for_a_look_is_told_of_once_approved(smtp_server, ann, editor):
    with at(MORNING - datetime.timedelta(days=1, hours=2)):
        mine = make_response(post=PostFactory(), author=ann)
        held = reply(to=mine, author=make_member("Bea"), body="A first reply, held.", status=Response.Status.HELD)
    with at(MORNING - datetime.timedelta(days=1)):
        send_summaries()
    assert smtp_server.handler.by_recipient() == {editor.email: 1}  # the moderators' summary only
    with at(MORNING - datetime.timedelta(hours=3)):
        moderation.moderate(actor=editor, responses=[held], action=ModerationLog.Action.APPROVE)
    with at(MORNING):
        send_summaries()
    assert smtp_server.handler.by_recipient() == {editor.email: 1, ann.email: 1}
    (accepted,) = [each for each in smtp_server.handler.accepted if each.recipients == [ann.email]]
    assert "A first reply, held." in bodies(accepted)[0]


def test_the_summary_is_off_by_default_and_skips_hidden_posts(smtp_server):
    with at(MORNING - datetime.timedelta(hours=5)):
        quiet = make_member("Dee")
        mine = make_response(post=PostFactory(), author=quiet)
        reply(to=mine, author=make_member("Bea"))
        ann = make_member("Ann")
        services.notices_set(user=ann, replies=True)
    with at(MORNING - datetime.timedelta(hours=4)):
        post = PostFactory()
        PostResponses.objects.create(post=post, mode=PostResponses.Mode.OFF)
        reply(to=make_response(post=post, author=ann), author=make_member("Cy"))
    with at(MORNING):
        send_summaries()
    assert smtp_server.handler.accepted == []
    assert not Notices.objects.filter(user=quiet).exists()


def test_one_click_stop_needs_no_login_nor_csrf_and_a_get_changes_nothing(smtp_server, ann):
    with at(MORNING - datetime.timedelta(hours=5)):
        reply(to=make_response(post=PostFactory(), author=ann), author=make_member("Bea"))
    with at(MORNING):
        send_summaries()
    url = urlsplit(smtp_server.handler.accepted[0].message["List-Unsubscribe"].strip("<>")).path
    browser = Client(enforce_csrf_checks=True)

    assert browser.get(url).status_code == 200
    assert Notices.objects.get(user=ann).replies
    assert browser.post(url[:-3] + "AA/").status_code == 400
    assert browser.post(url).status_code == 200
    assert not Notices.objects.get(user=ann).replies


def test_moderators_get_a_daily_count_only_when_something_waits(smtp_server, editor, django_user_model):
    staff_without_permission = django_user_model.objects.create_user(email="desk@example.org", is_staff=True)
    quiet_editor = make_moderator("quiet@example.org")
    services.notices_set(user=quiet_editor, replies=False, moderation=False)
    member = make_member("Ann")
    with at(MORNING - datetime.timedelta(days=1)):
        send_summaries()
    assert smtp_server.handler.accepted == []  # nothing waits

    post = PostFactory()
    make_response(post=post, author=member, body="Held words nobody else may read.", status=Response.Status.HELD)
    Report.objects.create(
        response=make_response(post=post, author=make_member("Bea")), reporter=member, reason=Report.Reason.SPAM
    )
    with at(MORNING):
        send_summaries()
        send_summaries()

    (accepted,) = smtp_server.handler.accepted
    assert accepted.recipients == [editor.email]
    text, html = bodies(accepted)
    assert "Held responses: 1" in text and "Open reports: 1" in text
    assert "/admin/responses/response/?queue=waiting" in text
    assert "Held words" not in text and "Held words" not in html
    assert "List-Unsubscribe" not in accepted.message and "/accounts/#email-notices" in text
    recipients = set(NoticeEmail.objects.values_list("recipient__email", flat=True))
    assert recipients == {editor.email}
    assert staff_without_permission.email not in recipients and member.email not in recipients


def test_an_at_risk_report_alerts_moderators_at_once_through_the_worker(smtp_server, editor, client):
    post = PostFactory()
    worrying = make_response(post=post, author=make_member("Bea"), body="Words that worry me deeply.")
    reporter = make_member("Ann")
    client.force_login(reporter)
    answer = client.post(f"/responses/{worrying.pk}/report/", {"reason": Report.Reason.AT_RISK})
    assert answer.status_code == 302
    assert smtp_server.handler.accepted == []  # the request queued it; it sent nothing itself
    run_worker()
    run_worker()

    (accepted,) = smtp_server.handler.accepted
    assert accepted.recipients == [editor.email]
    text, html = bodies(accepted)
    assert f"/admin/responses/response/{worrying.pk}/change/" in text
    assert "worry me" not in text and "worry me" not in html and reporter.email not in text
    # Another report of the same response by the same member adds nothing; a spam report alerts no one.
    client.post(f"/responses/{worrying.pk}/report/", {"reason": Report.Reason.AT_RISK})
    client.force_login(make_member("Cy"))
    client.post(f"/responses/{worrying.pk}/report/", {"reason": Report.Reason.SPAM})
    run_worker()
    assert len(smtp_server.handler.accepted) == 1


def test_an_at_risk_alert_reaches_every_moderator_when_all_turned_moderation_emails_off(smtp_server, editor, client):
    services.notices_set(user=editor, replies=False, moderation=False)
    quiet = make_moderator("quiet@example.org")
    services.notices_set(user=quiet, replies=False, moderation=False)
    worrying = make_response(post=PostFactory(), author=make_member("Bea"), body="Words that worry me.")
    client.force_login(make_member("Ann"))
    client.post(f"/responses/{worrying.pk}/report/", {"reason": Report.Reason.AT_RISK})
    run_worker()
    assert sorted(r for m in smtp_server.handler.accepted for r in m.recipients) == sorted([editor.email, quiet.email])


def test_suppressed_addresses_get_nothing_and_a_permanent_refusal_suppresses(smtp_server, ann, editor):
    SubscriberFactory(email=ann.email, suppressed_at=timezone.now(), suppressed_reason="550 earlier")
    smtp_server.handler.refuse[editor.email] = "550 5.1.1 No such user"
    with at(MORNING - datetime.timedelta(hours=5)):
        reply(to=make_response(post=PostFactory(), author=ann), author=make_member("Bea"), status=Response.Status.HELD)
        reply(to=make_response(post=PostFactory(), author=ann), author=make_member("Cy"))
    with at(MORNING):
        send_summaries()
    assert smtp_server.handler.accepted == []
    statuses = dict(NoticeEmail.objects.values_list("recipient__email", "status"))
    assert statuses == {ann.email: "suppressed", editor.email: "suppressed"}
    gone = Subscriber.objects.get(email=editor.email)
    assert gone.suppressed_at is not None and gone.frequency == Subscriber.Frequency.OFF


def test_a_temporary_refusal_is_retried_later_and_sent_once(smtp_server, ann, settings):
    settings.SUBSCRIPTIONS_RETRY_SECONDS = 60
    smtp_server.handler.put_off[ann.email] = 1
    with at(MORNING - datetime.timedelta(hours=5)):
        reply(to=make_response(post=PostFactory(), author=ann), author=make_member("Bea"))
    with at(MORNING):
        send_summaries()
    row = NoticeEmail.objects.get()
    assert (row.status, row.attempts) == (NoticeEmail.Status.WAITING, 1)
    with at(MORNING + datetime.timedelta(minutes=2)):
        run_worker()
    with at(MORNING + datetime.timedelta(minutes=10)):
        send_summaries()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NoticeEmail.Status.SENT, 2)
    assert smtp_server.handler.by_recipient() == {ann.email: 1}
    assert not DBTaskResult.objects.ready().exists()


def test_an_abandoned_claim_is_taken_up_again_after_the_claim_time(smtp_server, ann, settings):
    settings.SUBSCRIPTIONS_CLAIM_SECONDS = 60
    with at(MORNING - datetime.timedelta(hours=5)):
        reply(to=make_response(post=PostFactory(), author=ann), author=make_member("Bea"))
    # A worker claimed today's summary and was killed before sending it.
    NoticeEmail.objects.create(kind=NoticeEmail.Kind.REPLIES, recipient=ann, day=MORNING.date(), claimed_at=MORNING)
    with at(MORNING + datetime.timedelta(seconds=30)):
        send_summaries()
    assert smtp_server.handler.accepted == []
    with at(MORNING + datetime.timedelta(minutes=2)):
        send_summaries()
    assert smtp_server.handler.by_recipient() == {ann.email: 1}


def test_a_deleted_account_takes_its_notices_with_it(ann):
    Notices.objects.filter(user=ann).update(replies=True)
    get_user_model().objects.filter(pk=ann.pk).delete()
    assert not Notices.objects.exists()
