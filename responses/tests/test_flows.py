"""Members respond, reply, edit, delete and report; readers read; the rules hold."""

import datetime
from html import escape

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from blog.models import Post
from blog.tests.factories import PostFactory
from responses import services
from responses.models import Ban, PostResponses, Report, Response, ResponseSettings, SupportResource, WordRule
from responses.tests.factories import form_data, make_member, make_response, respond_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer_member():
    return make_member("Ann")


@pytest.fixture
def trusted():
    member = make_member("Bea")
    # Approved two days ago: it counts for trust, not towards today's limits.
    make_response(post=PostFactory(), author=member, created_at=timezone.now() - datetime.timedelta(days=2))
    return member


def page(client, post, **params) -> str:
    response = client.get(post.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


class TestRespond:
    def test_a_first_response_is_held_and_seen_only_by_its_author(self, client, post, writer_member):
        client.force_login(writer_member)
        answer = client.post(respond_url(post), form_data("My *first* words."))
        response = Response.objects.get()
        assert answer.status_code == 302
        assert answer["Location"] == f"{post.get_absolute_url()}#response-{response.pk}"
        assert response.is_held and response.body_html == "<p>My <em>first</em> words.</p>"
        assert "Waiting for a kind look" in page(client, post)
        other = make_member("Cy")
        client.force_login(other)
        assert "first</em> words" not in page(client, post)
        client.logout()
        assert "first</em> words" not in page(client, post)

    def test_json_answers_with_the_response_to_put_in_place(self, client, post, trusted):
        client.force_login(trusted)
        answer = client.post(respond_url(post), form_data(), headers={"Accept": "application/json"})
        assert answer.status_code == 201
        data = answer.json()
        assert data["held"] is False and f'id="response-{data["id"]}"' in data["html"]

    def test_a_display_name_is_asked_before_the_first_response(self, client, post):
        member = make_member(name="")
        client.force_login(member)
        assert 'name="display_name"' in page(client, post)
        answer = client.post(respond_url(post), form_data())
        assert answer.status_code == 400 and not Response.objects.exists()
        assert "Thank you for writing this." in answer.content.decode()  # nothing written is lost
        client.post(respond_url(post), form_data(display_name="  Dee   Dee "))
        assert member.responder.display_name == "Dee Dee"
        assert 'name="display_name"' not in page(client, post)

    def test_a_trusted_members_response_is_published_unless_it_has_two_links(self, client, post, trusted):
        client.force_login(trusted)
        client.post(respond_url(post), form_data("One [link](https://example.org)."))
        client.post(respond_url(post), form_data("[a](https://a.example) and [b](https://b.example)"))
        assert list(Response.objects.filter(post=post).values_list("status", flat=True)) == ["published", "held"]

    def test_the_writers_responses_are_marked(self, client, post):
        staff = make_member("The writer", is_staff=True)
        client.force_login(staff)
        client.post(respond_url(post), form_data())
        assert Response.objects.get().status == "published"
        client.logout()
        assert "the writer</span>" in page(client, post)

    def test_word_lists_hold_or_reject(self, client, post, trusted):
        WordRule.objects.create(word="sad thing", effect="hold")
        WordRule.objects.create(word="nasty", effect="reject")
        client.force_login(trusted)
        assert client.post(respond_url(post), form_data("What a NASTY idea")).status_code == 400
        client.post(respond_url(post), form_data("Such a sad thing."))
        assert Response.objects.filter(post=post).get().is_held

    def test_hold_every_response_site_wide_and_per_post(self, client, post, trusted):
        client.force_login(trusted)
        settings_row = ResponseSettings(hold_every_response=True)
        settings_row.save()
        client.post(respond_url(post), form_data("one"))
        settings_row.hold_every_response = False
        settings_row.save()
        PostResponses.objects.create(post=post, hold_every_response=True)
        client.post(respond_url(post), form_data("two"))
        assert set(Response.objects.filter(post=post).values_list("status", flat=True)) == {"held"}

    @pytest.mark.parametrize("kind", ["draft", "scheduled"])
    def test_no_one_responds_to_a_post_that_is_not_public(self, client, trusted, kind):
        if kind == "draft":
            post = PostFactory(status=Post.Status.DRAFT)
        else:
            post = PostFactory(published_at=timezone.now() + datetime.timedelta(days=1))
        client.force_login(trusted)
        assert client.post(respond_url(post), form_data()).status_code == 404
        assert not Response.objects.filter(post=post).exists()

    def test_closed_responses_stay_visible_and_take_no_new_ones(self, client, post, trusted):
        make_response(post=post, author=trusted, body="Still here.")
        PostResponses.objects.create(post=post, mode="closed")
        client.force_login(trusted)
        html = page(client, post)
        assert "Still here." in html and "closed" in html and 'class="form-stack response-form"' not in html
        answer = client.post(respond_url(post), form_data())
        assert answer.status_code == 400 and services.CLOSED in answer.content.decode()

    def test_responses_close_n_days_after_publication(self, client, trusted):
        ResponseSettings(close_after_days=30).save()
        old, new = PostFactory(days_ago=31), PostFactory(days_ago=29)
        client.force_login(trusted)
        assert client.post(respond_url(old), form_data()).status_code == 400
        assert client.post(respond_url(new), form_data()).status_code == 302

    def test_off_hides_responses_and_refuses_new_ones(self, client, post, trusted):
        make_response(post=post, author=trusted, body="Hidden away.")
        PostResponses.objects.create(post=post, mode="off")
        client.force_login(trusted)
        assert 'id="responses"' not in page(client, post)
        assert client.post(respond_url(post), form_data()).status_code == 404

    def test_readers_see_a_way_to_log_in_and_no_form(self, client, post):
        html = page(client, post)
        assert "Log in to respond" in html and "csrfmiddlewaretoken" not in html

    def test_a_bad_page_of_responses_is_a_404(self, client, post):
        assert client.get(post.get_absolute_url(), {"responses": "x"}).status_code == 404
        assert client.get(post.get_absolute_url(), {"responses": "2"}).status_code == 404

    def test_threads_are_paginated_after_fifty_oldest_first(self, client, post, trusted):
        rows = [make_response(post=post, author=trusted, body=f"Number {n}.") for n in range(51)]
        html = page(client, post)
        assert "Number 0." in html and "Number 49." in html and "Number 50." not in html
        assert html.index("Number 0.") < html.index("Number 1.")
        assert "Number 50." in page(client, post, responses=2)
        assert client.get(rows[50].get_absolute_url())["Location"].endswith(f"?responses=2#response-{rows[50].pk}")

    def test_no_counts_and_no_likes(self, client, post, trusted):
        make_response(post=post, author=trusted)
        html = page(client, post)
        assert "1 response" not in html and "like" not in html.lower().split("responses")[1][:2000]


class TestReplies:
    def test_a_reply_to_a_reply_joins_the_same_thread(self, client, post, trusted):
        top = make_response(post=post, author=make_member("Top"))
        reply = make_response(post=post, author=make_member("Mid"), parent=top)
        client.force_login(trusted)
        client.post(respond_url(post), form_data("Agreed.", parent=reply.pk))
        assert Response.objects.get(body="Agreed.").parent == top

    def test_no_reply_to_someone_elses_held_or_hidden_response(self, client, post, trusted):
        held = make_response(post=post, author=make_member("H"), status="held")
        hidden = make_response(post=post, author=make_member("I"), status="hidden")
        client.force_login(trusted)
        for parent in (held, hidden):
            answer = client.post(respond_url(post), form_data(parent=parent.pk))
            assert answer.status_code == 400 and escape(services.NO_PARENT) in answer.content.decode()
        other_post = make_response(post=PostFactory(), author=make_member("J"))
        assert client.post(respond_url(post), form_data(parent=other_post.pk)).status_code == 400
        assert Response.objects.filter(author=trusted).count() == 1  # the fixture's only

    def test_the_reply_link_fills_the_form_without_javascript(self, client, post, trusted):
        top = make_response(post=post, author=make_member("Top"))
        client.force_login(trusted)
        html = page(client, post, reply=top.pk)
        assert f'name="parent" value="{top.pk}"' in html


class TestEditAndDelete:
    def test_the_author_edits_within_a_day_and_it_shows_edited(self, client, post, trusted):
        response = make_response(post=post, author=trusted, body="Before.")
        client.force_login(trusted)
        assert client.get(f"/responses/{response.pk}/edit/").status_code == 200
        client.post(f"/responses/{response.pk}/edit/", {"body": "After *all*."})
        response.refresh_from_db()
        assert response.body_html == "<p>After <em>all</em>.</p>" and response.was_edited
        assert "edited</span>" in page(client, post)
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
            answer = client.post(f"/responses/{response.pk}/edit/", {"body": "Too late."})
            assert answer.status_code == 400
        response.refresh_from_db()
        assert response.body == "After *all*."

    def test_delete_with_replies_leaves_removed_by_its_author(self, client, post, trusted):
        top = make_response(post=post, author=trusted, body="Going soon.")
        make_response(post=post, author=make_member("Kay"), parent=top, body="A reply stays.")
        lone = make_response(post=post, author=trusted, body="Alone.")
        client.force_login(trusted)
        assert client.get(f"/responses/{top.pk}/delete/").status_code == 200
        client.post(f"/responses/{top.pk}/delete/")
        client.post(f"/responses/{lone.pk}/delete/")
        lone.refresh_from_db()
        assert (lone.status, lone.body, lone.body_html) == ("removed", "", "")  # its words are gone
        client.logout()
        html = page(client, post)
        assert "Removed by its author." in html and "A reply stays." in html and "Going soon." not in html
        assert html.count("Removed by its author.") == 1 and "Alone." not in html

    @pytest.mark.parametrize("action", ["edit", "delete"])
    def test_others_get_404(self, client, post, trusted, action):
        response = make_response(post=post, author=trusted)
        client.force_login(make_member("Mallory"))
        assert client.get(f"/responses/{response.pk}/{action}/").status_code == 404
        assert client.post(f"/responses/{response.pk}/{action}/", {"body": "mine now"}).status_code == 404
        assert Response.objects.get(pk=response.pk).body == "Thank you for this."

    def test_readers_are_sent_to_log_in(self, client, post, trusted):
        response = make_response(post=post, author=trusted)
        for action in ("edit", "delete", "report"):
            assert client.post(f"/responses/{response.pk}/{action}/").status_code == 302
        assert Response.objects.filter(pk=response.pk).exists()


class TestReports:
    def test_one_report_per_member_and_not_ones_own(self, client, post, trusted):
        response = make_response(post=post, author=make_member("Lee"))
        client.force_login(trusted)
        client.post(f"/responses/{response.pk}/report/", {"reason": "spam"})
        client.post(f"/responses/{response.pk}/report/", {"reason": "unkind"})
        assert list(Report.objects.values_list("reason", flat=True)) == ["spam"]
        assert "reported this response already" in client.get(f"/responses/{response.pk}/report/").content.decode()
        own = make_response(post=post, author=trusted)
        assert client.post(f"/responses/{own.pk}/report/", {"reason": "spam"}).status_code == 404

    def test_reporting_a_held_response_of_someone_else_is_a_404(self, client, post, trusted):
        held = make_response(post=post, author=make_member("Q"), status="held")
        client.force_login(trusted)
        assert client.post(f"/responses/{held.pk}/report/", {"reason": "spam"}).status_code == 404

    def test_at_risk_leads_to_the_support_page(self, client, post, trusted):
        SupportResource.objects.create(name="Calm Line", description="Listening, day and night", phone="0800 123")
        response = make_response(post=post, author=make_member("Mo"))
        client.force_login(trusted)
        answer = client.post(f"/responses/{response.pk}/report/", {"reason": "at_risk", "text": "worried"})
        assert answer["Location"] == "/responses/support/"
        html = client.get("/responses/support/").content.decode()
        assert "Calm Line" in html and 'href="tel:0800123"' in html

    def test_a_bad_reason_is_a_form_error(self, client, post, trusted):
        response = make_response(post=post, author=make_member("Ned"))
        client.force_login(trusted)
        assert client.post(f"/responses/{response.pk}/report/", {"reason": "nope"}).status_code == 400


class TestBansAndLimits:
    def test_a_banned_member_sees_a_calm_notice_and_cannot_post(self, client, post, trusted):
        Ban.objects.create(user=trusted, reason="unkind", ends_at=timezone.now() + datetime.timedelta(days=3))
        client.force_login(trusted)
        html = page(client, post)
        assert "You can't respond at the moment, until" in html and 'name="body"' not in html
        assert client.post(respond_url(post), form_data()).status_code == 400
        with time_machine.travel(timezone.now() + datetime.timedelta(days=4)):
            assert client.post(respond_url(post), form_data()).status_code == 302

    @pytest.mark.slow
    def test_five_in_ten_minutes_then_thirty_a_day(self, client, post, trusted):
        client.force_login(trusted)
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            for _ in range(5):
                assert client.post(respond_url(post), form_data()).status_code == 302
            answer = client.post(respond_url(post), form_data())
            assert answer.status_code == 400 and "take a pause" in answer.content.decode()
            for _ in range(5):  # 25 more, five every eleven minutes
                clock.shift(datetime.timedelta(minutes=11))
                for _ in range(5):
                    assert client.post(respond_url(post), form_data()).status_code == 302
            clock.shift(datetime.timedelta(minutes=11))
            assert client.post(respond_url(post), form_data()).status_code == 400
            clock.shift(datetime.timedelta(days=1))
            assert client.post(respond_url(post), form_data()).status_code == 302

    def test_deleted_responses_still_count_towards_the_limit(self, client, post, trusted):
        """Rate limits are about writes: writing and deleting is no way round them."""
        client.force_login(trusted)
        with time_machine.travel(timezone.now(), tick=False):
            for _ in range(5):
                assert client.post(respond_url(post), form_data()).status_code == 302
                written = Response.objects.filter(author=trusted).order_by("-pk").first()
                assert client.post(f"/responses/{written.pk}/delete/").status_code == 302
            answer = client.post(respond_url(post), form_data())
            assert answer.status_code == 400 and "take a pause" in answer.content.decode()

    def test_the_same_form_sent_twice_gives_one_response(self, client, post, trusted):
        client.force_login(trusted)
        data = form_data()
        first, second = client.post(respond_url(post), data), client.post(respond_url(post), data)
        assert first["Location"] == second["Location"]
        assert Response.objects.filter(post=post).count() == 1

    def test_a_racing_double_submit_lands_on_the_first_row(self, post, trusted, monkeypatch):
        """The unique (author, key) constraint decides when both requests passed the first lookup."""
        data = form_data()
        first = services.response_create(user=trusted, post=post, body="once", key=data["key"])
        real_filter = Response.objects.filter
        calls = []

        def blind_first_lookup(*args, **kwargs):
            queryset = real_filter(*args, **kwargs)
            if kwargs.get("key") and not calls:
                calls.append(1)
                return queryset.none()
            return queryset

        monkeypatch.setattr(Response.objects, "filter", blind_first_lookup)
        again = services.response_create(user=trusted, post=post, body="once", key=data["key"])
        assert again.pk == first.pk and calls


class TestVisibility:
    def test_staff_see_held_responses_on_the_page(self, client, post):
        make_response(post=post, author=make_member("New"), status="held", body="Held words.")
        client.force_login(make_member("Editor", is_staff=True))
        assert "Held words." in page(client, post)

    def test_visible_to(self, post):
        author, other = make_member("A"), make_member("B")
        held = make_response(post=post, author=author, status="held")
        assert list(Response.objects.visible_to(author)) == [held]
        assert not Response.objects.visible_to(other).exists()
        assert not Response.objects.visible_to(AnonymousUser()).exists()


class TestEditingInPlace:
    """What responses.js asks of the edit URL: the text as written, then the response drawn to put in place."""

    def test_the_text_then_the_drawn_response(self, client, post, trusted):
        mine = make_response(post=post, author=trusted, body="First *thoughts*.")
        client.force_login(trusted)
        json_headers = {"Accept": "application/json"}
        asked = client.get(f"/responses/{mine.pk}/edit/", headers=json_headers).json()
        assert asked == {"body": "First *thoughts*.", "can_edit": True}
        page_html = client.get(post.get_absolute_url()).content.decode()
        assert 'id="response-edit-template"' in page_html and f'data-edit="{mine.pk}"' in page_html
        saved = client.post(f"/responses/{mine.pk}/edit/", {"body": "Kinder thoughts."}, headers=json_headers)
        data = saved.json()
        assert saved.status_code == 200 and data["id"] == mine.pk and not data["held"]
        assert data["html"].strip().startswith("<article") and "Kinder thoughts." in data["html"]
        assert 'class="response-edited">edited' in data["html"] and f"/responses/{mine.pk}/delete/" in data["html"]
        empty = client.post(f"/responses/{mine.pk}/edit/", {"body": "  "}, headers=json_headers)
        assert empty.status_code == 400 and empty.json()["errors"]

    def test_someone_elses_response_is_a_404_for_json_too(self, client, post, trusted):
        theirs = make_response(post=post, author=make_member("Other"))
        client.force_login(trusted)
        assert client.get(f"/responses/{theirs.pk}/edit/", headers={"Accept": "application/json"}).status_code == 404


class TestKeptMemberState:
    """A member's name, bans and the posts they answered are kept under the content version; each change
    that does not move the version forgets them, so the next page is right."""

    def test_a_held_response_shows_on_the_next_page_though_the_version_did_not_move(self, client, post):
        member = make_member("New")
        client.force_login(member)
        page(client, post)  # keeps: answered nothing
        client.post(respond_url(post), form_data("My first, held."))
        assert "My first, held." in page(client, post)

    def test_a_ban_and_its_lifting_show_at_once(self, client, post, trusted):
        from django.contrib.auth import get_user_model

        from responses import moderation

        staff = get_user_model().objects.create_superuser(email="staff@example.org", password="pw")
        client.force_login(trusted)
        assert 'name="body"' in page(client, post)
        ban = moderation.ban_save(actor=staff, ban=Ban(user=trusted, reason="Unkind words."))
        assert "You can't respond at the moment" in page(client, post)
        client.force_login(staff)
        client.post(f"/admin/responses/ban/{ban.pk}/delete/", {"post": "yes"})
        assert not Ban.objects.exists()
        client.force_login(trusted)
        assert 'name="body"' in page(client, post)
