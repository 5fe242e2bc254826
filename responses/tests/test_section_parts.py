"""A member's part of the section: drawn once per process per case, put together around the request's values."""

import datetime
import itertools
import re
import uuid

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from blog.tests.factories import PostFactory
from responses import moderation, section_parts
from responses.models import Ban
from responses.rules import MemberState
from responses.tests.factories import make_member, make_response
from responses.threads import DrawnPage

pytestmark = pytest.mark.django_db

TOKEN = "a1" * 32
KEY = re.compile(r'name="key" value="([0-9a-f-]{36})"')


@pytest.fixture(autouse=True)
def _nothing_kept():
    section_parts._kept.clear()  # noqa: SLF001 - each test starts from a process that drew nothing yet
    yield
    section_parts._kept.clear()  # noqa: SLF001


def found(*, mode="open", banned=False, ends=None, name="Ann", editable=False, reply_to=None) -> dict:
    ban_ends = ((ends,) if ends else (None,)) if banned else ()
    member = MemberState(name, ban_ends, frozenset(), "stamp")
    page = DrawnPage("<li>words</li>", 1, has_next=False, editable=editable)
    return {"mode": mode, "member": member, "page": page, "reply_to": reply_to}


def drawn_whole(case: dict, post, key) -> str:
    """The partial drawn with every value, as it was before anything was kept."""
    context = section_parts._context(  # noqa: SLF001 - the same context, drawn whole, is what it is checked against
        case, post=post, csrf_token=TOKEN, key=key, respond_url="/respond/", script_url="/static/r.js"
    )
    return render_to_string(section_parts.PARTIAL, context)


CASES = [
    {},
    {"mode": "closed"},
    {"name": None},
    {"editable": True},
    {"editable": True, "mode": "closed"},
    {"banned": True},
    {"banned": True, "ends": timezone.now() + datetime.timedelta(days=3)},
]


@pytest.mark.parametrize("values", CASES)
def test_the_kept_part_is_drawn_exactly_as_the_whole(values):
    post = PostFactory()
    case = found(**values)
    for _ in range(2):  # drawn, then put together from what was kept
        html = section_parts.respond_html(
            case, post=post, csrf_token=TOKEN, respond_url="/respond/", script_url="/static/r.js"
        )
        keys = KEY.findall(html)
        key = uuid.UUID(keys[0]) if keys else None
        assert html == drawn_whole(case, post, key)
    assert len(section_parts._kept) == 1  # noqa: SLF001


def test_nothing_kept_holds_a_token_or_a_key():
    post = PostFactory()
    html = section_parts.respond_html(
        found(editable=True), post=post, csrf_token=TOKEN, respond_url="/respond/", script_url="/static/r.js"
    )
    assert html.count(TOKEN) == 2  # the response form and the in-place edit form
    kept = "".join(itertools.chain.from_iterable(section_parts._kept.values()))  # noqa: SLF001
    assert TOKEN not in kept and KEY.findall(html)[0] not in kept


def test_each_page_gets_a_key_of_its_own_so_a_double_click_acts_once():
    post = PostFactory()
    keys = {
        KEY.findall(
            section_parts.respond_html(
                found(), post=post, csrf_token=TOKEN, respond_url="/respond/", script_url="/static/r.js"
            )
        )[0]
        for _ in range(3)
    }
    assert len(keys) == 3


def test_a_reply_being_written_is_drawn_whole_and_not_kept():
    post = PostFactory()
    html = section_parts.respond_html(
        found(reply_to=12), post=post, csrf_token=TOKEN, respond_url="/respond/", script_url="/static/r.js"
    )
    assert 'name="parent" value="12"' in html and not section_parts._kept  # noqa: SLF001


def test_on_the_page_each_member_gets_their_own_token_and_the_ban_shows_at_once():
    post = PostFactory()
    ann, bea = make_member("Ann"), make_member("Bea")
    make_response(post=post, author=ann, body="Ann's words.")
    pages = {}
    for member in (ann, bea):
        client = Client()
        client.force_login(member)
        html = client.get(post.get_absolute_url()).content.decode()
        pages[member] = (client, html)
        token = client.cookies["csrftoken"].value
        assert "Write a response" in html and 'name="csrfmiddlewaretoken"' in html and token
    assert 'id="response-edit-template"' in pages[ann][1] and 'id="response-edit-template"' not in pages[bea][1]
    admin = make_member("Staff", is_staff=True)
    moderation.ban_save(actor=admin, ban=Ban(user=bea, reason="unkind"))
    html = pages[bea][0].get(post.get_absolute_url()).content.decode()
    assert "You can't respond at the moment" in html and "Write a response" not in html
    assert Ban.objects.filter(user=bea).exists()


def test_a_sent_csrf_token_works_with_the_put_together_form():
    post = PostFactory()
    ann = make_member("Ann")
    make_response(post=post, author=ann, body="Earlier words.")
    client = Client(enforce_csrf_checks=True)
    client.force_login(ann)
    html = client.get(post.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    key = KEY.findall(html)[0]
    sent = client.post(
        f"/posts/{post.slug}/responses/", {"body": "Kind words.", "key": key, "csrfmiddlewaretoken": token}
    )
    assert sent.status_code == 302


def test_a_posts_settings_changed_in_the_admin_show_on_the_next_page():
    """The settings are kept in this process too, under the content version, which the admin's change moves."""
    from responses.models import PostResponses
    from responses.services import public_change

    post = PostFactory()
    client = Client()
    client.force_login(make_member("Ann"))
    assert "Write a response" in client.get(post.get_absolute_url()).content.decode()
    PostResponses.objects.create(post=post, mode=PostResponses.Mode.CLOSED)
    public_change()  # as the admin's save does
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Responses to this piece are closed." in html and "Write a response" not in html


FRAMES = [
    {"mode": "open", "page": DrawnPage("<li>words</li>", 1, has_next=False)},
    {"mode": "closed", "page": DrawnPage("<li>words</li>", 1, has_next=True)},
    {"mode": "open", "page": DrawnPage("<li>words</li>", 2, has_next=True)},
    {"mode": "open", "page": DrawnPage("<li>words</li>", 3, has_next=False)},
    {"mode": "open", "page": DrawnPage("", 1, has_next=False)},
    {"mode": "closed", "page": DrawnPage("", 1, has_next=False)},
]


@pytest.mark.parametrize("values", FRAMES)
def test_the_kept_frame_is_drawn_exactly_as_the_whole(values):
    from django.utils.html import format_html

    user = make_member("Ann")
    for request in range(2):  # drawn, then put together from what was kept
        found = {**values, "threads_html": format_html("<!--responses {}-->", request), "page_parameter": "responses"}
        respond = format_html('<form data-n="{}"></form>', request)
        whole = render_to_string(section_parts.SECTION, {**found, "user": user, "respond_html": respond})
        assert section_parts.section_html(found, user=user, respond=respond) == whole
        assert str(respond) in whole and (str(found["threads_html"]) in whole) == bool(values["page"].html)


def test_after_a_members_page_nothing_kept_here_holds_their_token_key_or_words():
    post = PostFactory()
    ann = make_member("Ann")
    make_response(post=post, author=ann, body="Ann's own words.")
    client = Client()
    client.force_login(ann)
    html = client.get(post.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    kept = "".join(itertools.chain.from_iterable(section_parts._kept.values()))  # noqa: SLF001
    assert {case[0] for case in section_parts._kept.cases()} == {"member", "frame"}  # noqa: SLF001
    assert token not in kept and KEY.findall(html)[0] not in kept and "Ann's own words" not in kept
    assert "Ann's own words" in html


def test_a_slug_that_looks_like_a_stand_in_is_drawn_as_it_is():
    post = PostFactory(slug="stand-in-token-threads-member-key")
    client = Client()
    client.force_login(make_member("Ann"))
    for _ in range(2):  # drawn, then put together from what was kept
        html = client.get(post.get_absolute_url()).content.decode()
        assert 'action="/posts/stand-in-token-threads-member-key/responses/"' in html
