"""A member's part of the section: drawn once per process per case, put together around the request's values."""

import datetime
import re
import uuid

import pytest
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.test.signals import template_rendered
from django.utils import timezone

from blog.drawn import forget_all
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
    forget_all()  # each test starts from a process that drew nothing yet
    yield
    forget_all()


@pytest.fixture
def drawings():
    """The section's templates drawn (the frame and the member's part), in order, as opposed to put together
    from what this process kept."""
    drawn = []

    def record(sender, template, context, **kwargs):
        if template.name in (section_parts.SECTION, "member-respond"):
            drawn.append(template.name)

    template_rendered.connect(record)
    yield drawn
    template_rendered.disconnect(record)


def respond(case: dict, post, token=TOKEN) -> str:
    return section_parts.respond_html(
        case, post=post, csrf_token=token, respond_url="/respond/", script_url="/static/r.js"
    )


def found(*, mode="open", banned=False, ends=None, name="Ann", editable=False, reply_to=None) -> dict:
    ban_ends = ((ends,) if ends else (None,)) if banned else ()
    member = MemberState(name, ban_ends, frozenset(), "stamp")
    page = DrawnPage("<li>words</li>", 1, has_next=False, editable=editable)
    return {"mode": mode, "member": member, "page": page, "reply_to": reply_to}


def drawn_whole(case: dict, post, key) -> str:
    """The partial drawn with every value, as it was before anything was kept (debug mode draws it so), with
    ``key`` for the response form's."""
    with override_settings(DEBUG=True):
        html = respond(case, post)
    keys = KEY.findall(html)
    return html.replace(keys[0], str(key)) if keys else html


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
def test_the_kept_part_is_drawn_exactly_as_the_whole(values, drawings):
    post = PostFactory()
    case = found(**values)
    pages = [respond(case, post) for _ in range(2)]  # drawn, then put together from what was kept
    assert drawings == ["member-respond"]
    for html in pages:
        keys = KEY.findall(html)
        assert html == drawn_whole(case, post, uuid.UUID(keys[0]) if keys else None)


def test_nothing_kept_holds_a_token_or_a_key(drawings):
    post = PostFactory()
    first = respond(found(editable=True), post)
    other_token = "b2" * 32
    then = respond(found(editable=True), post, token=other_token)  # put together from what the first kept
    assert drawings == ["member-respond"]
    assert first.count(TOKEN) == 2  # the response form and the in-place edit form
    assert then.count(other_token) == 2 and TOKEN not in then and KEY.findall(first)[0] not in then


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


def test_a_reply_being_written_is_drawn_whole_and_not_kept(drawings):
    post = PostFactory()
    assert 'name="parent" value="12"' in respond(found(reply_to=12), post)
    assert 'name="parent" value="13"' in respond(found(reply_to=13), post)
    assert drawings == ["member-respond", "member-respond"]
    html = respond(found(), post)  # drawn: the replies left nothing for it
    assert drawings == ["member-respond"] * 3 and 'name="parent" value="1' not in html


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


def test_pages_that_differ_only_in_their_number_each_get_their_own_frame(drawings):
    """Pages 2 and 3 of one list, both with more after them: the same case but for the number, which the frame
    shows (and links from), so a frame kept without it would show page 2's on page 3."""
    from django.utils.html import format_html

    user = make_member("Ann")
    drawn = []
    for number in (2, 3, 2):  # each drawn, then page 2 again put together from what it kept
        found = {
            "mode": "open",
            "page": DrawnPage("<li>words</li>", number, has_next=True),
            "threads_html": format_html("<!--responses {}-->", number),
            "page_parameter": "responses",
        }
        respond = format_html('<form data-n="{}"></form>', number)
        drawings.clear()
        html = section_parts.section_html(found, user=user, respond=respond)
        drawn.append(len(drawings))
        assert html == render_to_string(section_parts.SECTION, {**found, "user": user, "respond_html": respond})
        assert f"Page {number}</span>" in html
        assert f"?responses={number - 1}#responses" in html and f"?responses={number + 1}#responses" in html
    assert drawn == [1, 1, 0]


def test_after_a_members_page_nothing_kept_here_holds_their_token_key_or_words(drawings):
    post = PostFactory()
    ann, bea = make_member("Ann"), make_member("Bea")
    make_response(post=post, author=ann, body="Ann's own words.")
    make_response(post=post, author=bea, body="Bea's earlier words.")  # each has something to edit: one case
    pages = {}
    for member in (ann, bea):
        client = Client()
        client.force_login(member)
        html = client.get(post.get_absolute_url()).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        pages[member] = (client, html, token, KEY.findall(html)[0])
    # Bea's section was put together from what Ann's page kept (the frame and the member's part), yet it
    # holds her own token and key only.
    assert drawings == ["member-respond", section_parts.SECTION]
    _client, html, token, key = pages[bea]
    assert pages[ann][2] not in html and pages[ann][3] not in html and token in html and key in html
    # The threads are not in what was kept: Bea's response shows on Ann's next page, around the same kept frame.
    client, _html, token, key = pages[bea]
    sent = client.post(f"/posts/{post.slug}/responses/", {"body": "Bea's new words.", "key": key})
    assert sent.status_code == 302
    html = pages[ann][0].get(post.get_absolute_url()).content.decode()
    assert "Ann's own words" in html and "Bea's new words" in html
    assert drawings == ["member-respond", section_parts.SECTION]


def test_a_slug_that_looks_like_a_stand_in_is_drawn_as_it_is():
    post = PostFactory(slug="stand-in-token-threads-member-key")
    client = Client()
    client.force_login(make_member("Ann"))
    for _ in range(2):  # drawn, then put together from what was kept
        html = client.get(post.get_absolute_url()).content.decode()
        assert 'action="/posts/stand-in-token-threads-member-key/responses/"' in html
