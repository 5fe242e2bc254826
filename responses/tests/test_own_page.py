"""A member's own page of responses, kept drawn: on time, theirs alone, without a CSRF token, moved by moderation."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from blog.caching import versioned_key
from responses import moderation, rules, services, threads
from responses.models import Ban, ModerationLog
from responses.tests.factories import form_data, make_member, make_response, respond_url

pytestmark = pytest.mark.django_db

HELD = "Waiting for a kind look"
EDIT_FORM = 'id="response-edit-template"'


def client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def html(client, post) -> str:
    answer = client.get(post.get_absolute_url())
    assert answer.status_code == 200
    return answer.content.decode()


def kept_entries(post, *members) -> list:
    """Every entry the section keeps for ``post`` (page 1), read through the cache's public API."""
    keys = [threads.shared_key(post=post, number=1, controls=controls) for controls in (True, False)] + [
        versioned_key("list", "responses-threads", post.pk, 1, kind) for kind in ("member", "reader")
    ]
    for member in members:
        state = rules.member_state(member)
        keys.append(threads.own_key(post=post, user=member, number=1, member=state))
    entries = [cache.get(key) for key in keys]
    return [entry for entry in entries if entry is not None]


def test_edit_goes_when_the_window_closes_though_nothing_was_written(post):
    ann = make_member("Ann")
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=23)):
        mine = services.response_create(user=ann, post=post, body="Morning words.", key=uuid.uuid4())
    edit = f"/responses/{mine.pk}/edit/"
    client = client_for(ann)
    first = html(client, post)
    assert edit in first and EDIT_FORM in first
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=59)):
        assert edit in html(client, post)  # still open: the kept page serves
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1, seconds=1)):
        later = html(client, post)
        assert "Morning words." in later and f"/responses/{mine.pk}/delete/" in later
        assert edit not in later and EDIT_FORM not in later


def test_another_member_never_gets_a_held_response_or_its_buttons(post):
    ann, bob = make_member("Ann"), make_member("Bob")
    published = make_response(post=post, author=ann, body="Ann's open words.")
    make_response(post=post, author=ann, parent=published, body="Ann's held reply.", status="held")
    make_response(post=post, author=bob, body="Bob's own words.")
    for member in (ann, bob, ann, bob):  # each drawn once, then read from what is kept
        page = html(client_for(member), post)
    ann_page = html(client_for(ann), post)
    assert "Ann's held reply." in ann_page and f"/responses/{published.pk}/edit/" in ann_page
    assert "Ann's held reply." not in page and HELD not in page
    assert f"/responses/{published.pk}/edit/" not in page and f"/responses/{published.pk}/report/" in page
    _, bob_own = cache.get(threads.own_key(post=post, user=bob, number=1, member=rules.member_state(bob)))
    assert "Bob's own words." in bob_own.html and "Ann's held reply." not in bob_own.html


def test_no_csrf_token_is_kept(post):
    ann, bob = make_member("Ann"), make_member("Bob")
    make_response(post=post, author=bob, body="Words of Bob.")
    services.response_create(user=ann, post=post, body="Words of Ann.", key=uuid.uuid4())
    ann_client = client_for(ann)
    page = html(ann_client, post)
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    tokens.add(ann_client.cookies["csrftoken"].value)
    assert EDIT_FORM in page and len(tokens) >= 2  # the page has forms, and Ann an edit window
    html(client_for(make_member("Cat")), post)  # the shared member page
    html(Client(), post)
    entries = kept_entries(post, ann)
    assert len(entries) == 5 and any("Words of Ann." in repr(entry) for entry in entries)
    for entry in entries:
        assert "csrfmiddlewaretoken" not in repr(entry)
        assert not any(token in repr(entry) for token in tokens)


@pytest.mark.parametrize(
    ("action", "shown"),
    [(ModerationLog.Action.HIDE, False), (ModerationLog.Action.REJECT, False), (ModerationLog.Action.APPROVE, True)],
)
def test_moderation_shows_on_the_next_request_for_everyone(post, action, shown):
    ann, bob = make_member("Ann"), make_member("Bob")
    make_response(post=post, author=bob, body="Bob's words.")  # Bob has a kept page of his own
    status = "published" if action != ModerationLog.Action.APPROVE else "held"
    response = make_response(post=post, author=ann, body="Ann's words.", status=status)
    viewers = [client_for(ann), client_for(bob), Client()]
    before = [html(viewer, post) for viewer in viewers]
    assert ("Ann's words." in before[0]) and (("Ann's words." in before[1]) is not shown)
    moderation.moderate(actor=None, responses=[response], action=action)
    for viewer in viewers:
        page = html(viewer, post)
        assert ("Ann's words." in page) is shown and HELD not in page


def test_a_ban_changes_the_form_at_once_and_its_end_brings_it_back(post):
    ann = make_member("Ann")
    services.response_create(user=ann, post=post, body="Ann's words.", key=uuid.uuid4())
    client = client_for(ann)
    assert "Write a response" in html(client, post)
    ends = timezone.now() + datetime.timedelta(days=2)
    moderation.ban_save(actor=None, ban=Ban(user=ann, reason="Unkind", ends_at=ends))
    banned = html(client, post)
    assert "You can't respond at the moment" in banned and "Write a response" not in banned
    assert EDIT_FORM not in banned and "Ann's words." in banned
    with time_machine.travel(ends + datetime.timedelta(minutes=1)):
        assert "Write a response" in html(client, post)


def test_the_form_and_the_script_keep_their_addresses(post, settings):
    client = client_for(make_member("Ann"))
    for debug in (False, True):  # kept once per process, or drawn each time in debug mode
        settings.DEBUG = debug
        page = html(client, post)
        assert f'action="{respond_url(post)}" data-json-url="{respond_url(post)}"' in page
        assert re.search(r'<script src="/static/js/responses(\.[0-9a-f]+)?\.js" type="module">', page)
    again = client.post(respond_url(post), form_data(""))
    assert again.status_code == 400 and f'action="{respond_url(post)}"' in again.content.decode()
