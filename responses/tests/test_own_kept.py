"""A member's own page of responses on a post is kept between requests: theirs only, drawn again after each change."""

import uuid

import pytest
from django.test import Client

from responses import moderation, services
from responses.models import ModerationLog, Response
from responses.rules import member_state
from responses.tests.factories import form_data, make_member, respond_url
from responses.threads import threads_page

pytestmark = pytest.mark.django_db

HELD = "Waiting for a kind look"


def page(client, post) -> str:
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def ann():
    return make_member("Ann")


def test_a_held_response_shows_to_its_author_at_once_and_to_no_one_else(post, ann):
    mine = client_for(ann)
    assert HELD not in page(mine, post)  # a page drawn (and state kept) before the response
    mine.post(respond_url(post), form_data("Quiet *morning* words."))
    assert HELD in page(mine, post) and "<em>morning</em>" in page(mine, post)
    other = client_for(make_member("Bea"))
    assert "<em>morning</em>" not in page(other, post)
    reader = Client()
    answer = reader.get(post.get_absolute_url())
    assert "<em>morning</em>" not in answer.content.decode()
    assert not answer.cookies  # the anonymous page stays cookie-free


def test_another_members_page_never_holds_the_kept_rows(post, ann):
    bea = make_member("Bea")
    services.response_create(user=ann, post=post, body="Ann's held words.", key=uuid.uuid4())
    services.response_create(user=bea, post=post, body="Bea's held words.", key=uuid.uuid4())
    ann_page, bea_page = page(client_for(ann), post), page(client_for(bea), post)
    assert "Ann's held words" in ann_page and "Bea's held words" not in ann_page
    assert "Bea's held words" in bea_page and "Ann's held words" not in bea_page


def test_the_kept_page_saves_its_queries(post, ann, django_assert_num_queries):
    services.response_create(user=ann, post=post, body="Held words.", key=uuid.uuid4())
    client = client_for(ann)
    page(client, post)
    with django_assert_num_queries(0):
        drawn = threads_page(post=post, user=ann, number=1, member=member_state(ann))
    assert "Held words." in drawn.html and HELD in drawn.html
    assert "Held words" in page(client, post)


def test_edit_delete_and_moderation_show_at_once(post, ann):
    client = client_for(ann)
    response = services.response_create(user=ann, post=post, body="First words.", key=uuid.uuid4())
    assert "First words" in page(client, post)
    services.response_edit(user=ann, response=response, body="Second words.")
    html = page(client, post)
    assert "Second words" in html and "First words" not in html
    moderation.moderate(actor=None, responses=[response], action=ModerationLog.Action.REJECT)
    assert "Second words" not in page(client, post)
    later = services.response_create(user=ann, post=post, body="Third words.", key=uuid.uuid4())
    assert "Third words" in page(client, post)
    moderation.moderate(actor=None, responses=[later], action=ModerationLog.Action.APPROVE)
    html = page(client, post)
    assert "Third words" in html and HELD not in html
    services.response_delete(user=ann, response=Response.objects.get(pk=later.pk))
    assert "Third words" not in page(client, post)
