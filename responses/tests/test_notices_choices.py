"""Members choose their emails about responses on the account page; the summaries' reads stay cheap."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from blog.tests.factories import PostFactory
from responses import mail, notices, services
from responses.models import Notices, Report, Response
from responses.tests.factories import make_member, make_response

pytestmark = pytest.mark.django_db


def replies_to(member, count: int):
    post = PostFactory()
    mine = make_response(post=post, author=member)
    for number in range(count):
        author = make_member(f"Replier {number}")
        make_response(post=post, author=author, parent=mine, published_at=timezone.now(), body=f"Reply {number}")


class TestAccountPage:
    def test_the_replies_summary_is_off_until_the_member_turns_it_on(self, client):
        member = make_member("Ann")
        client.force_login(member)
        page = client.get("/accounts/").content.decode()
        assert 'id="email-notices"' in page and 'name="replies"' in page
        assert 'id="id_replies" checked' not in page and 'name="moderation"' not in page

        answer = client.post("/responses/notices/", {"replies": "on"})
        assert answer.status_code == 302 and answer["Location"].endswith("#email-notices")
        choice = Notices.objects.get(user=member)
        assert choice.replies and choice.replies_since is not None
        assert 'id="id_replies" checked' in client.get("/accounts/").content.decode()

        client.post("/responses/notices/", {})
        assert not Notices.objects.get(user=member).replies

    def test_turning_it_on_again_starts_from_then_not_from_the_past(self, client):
        member = make_member("Ann")
        first = services.notices_set(user=member, replies=True).replies_since
        services.notices_set(user=member, replies=True)  # a double click
        assert Notices.objects.get(user=member).replies_since == first
        services.notices_set(user=member, replies=False)
        later = services.notices_set(user=member, replies=True).replies_since
        assert later > first

    def test_moderators_see_and_may_turn_off_moderation_emails(self, editor_client, editor):
        page = editor_client.get("/accounts/").content.decode()
        assert 'name="moderation"' in page and 'id="id_moderation" checked' in page
        editor_client.post("/responses/notices/", {"replies": ""})
        assert Notices.objects.get(user=editor).moderation is False
        assert editor not in notices.moderators()

    def test_a_member_cannot_give_themselves_moderation_emails(self, client, django_user_model):
        member = make_member("Ann")
        client.force_login(member)
        client.post("/responses/notices/", {"moderation": "on"})
        desk = django_user_model.objects.create_user(email="desk@example.org", is_staff=True)
        assert list(notices.moderators()) == []
        desk.user_permissions.add(Permission.objects.get(codename="change_response"))
        assert list(notices.moderators()) == [desk]

    def test_choosing_needs_a_login_and_a_post(self, client):
        assert client.post("/responses/notices/", {"replies": "on"}).status_code == 302
        assert not Notices.objects.exists()
        client.force_login(make_member("Ann"))
        assert client.get("/responses/notices/").status_code == 405


class TestQueryBudgets:
    @pytest.mark.parametrize("count", [1, 12])
    def test_a_summary_is_read_and_drawn_in_one_query_whatever_the_replies(self, django_assert_num_queries, count):
        """Guards the summary builder: replies, their posts, names and parents come in one query."""
        member = make_member("Ann")
        since = timezone.now() - datetime.timedelta(minutes=1)
        replies_to(member, count)
        until = timezone.now()
        with django_assert_num_queries(1):
            replies = notices.new_replies(user=member, since=since, until=until)
            message = mail.replies_message(member, replies)
        assert len(replies) == count and "Reply 0" in message.body

    @pytest.mark.parametrize("count", [1, 12])
    def test_who_has_news_is_one_query(self, django_assert_num_queries, count):
        """Guards the daily run's first step: every opted-in member with news, in one query."""
        for _ in range(count):
            member = make_member("Ann")
            services.notices_set(user=member, replies=True)
            replies_to(member, 2)
        with django_assert_num_queries(1):
            found = [choice.user.email for choice in notices.reply_recipients(until=timezone.now())]
        assert len(found) == count

    @pytest.mark.parametrize("count", [1, 12])
    def test_moderation_counts_are_two_queries(self, django_assert_num_queries, count):
        """Guards the moderators' summary: counts, never rows."""
        member = make_member("Ann")
        post = PostFactory()
        for _ in range(count):
            held = make_response(post=post, author=member, status=Response.Status.HELD)
            Report.objects.create(response=held, reporter=make_member("Bea"), reason=Report.Reason.AT_RISK)
        with django_assert_num_queries(2):
            counts = notices.moderation_counts()
        assert counts == {"held": count, "reports": count, "at_risk": count}


def test_a_new_response_is_dated_when_readers_first_see_it(post):
    trusted = make_member("Bea")
    make_response(post=PostFactory(), author=trusted, created_at=timezone.now() - datetime.timedelta(days=2))
    response = services.response_create(user=trusted, post=post, body="Hello there.", key=uuid.uuid4())
    assert response.status == Response.Status.PUBLISHED and response.published_at is not None
    first = services.response_create(user=make_member("Cy"), post=post, body="My first.", key=uuid.uuid4())
    assert first.is_held and first.published_at is None
