"""The post page's responses: cache behaviour for readers, query budgets, hostile bodies, privacy."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog.caching import versioned_key
from blog.tests.factories import PostFactory
from blog.tests.htmlcheck import dangerous_parts
from responses import moderation, services
from responses.models import ModerationLog, Response
from responses.tests.factories import form_data, make_member, make_response, respond_url

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    "<ScRiPt src=//evil.example/x.js></ScRiPt>",
    "<img src=x onerror=alert(1)>",
    '<a href="#" onclick="alert(1)">click</a>',
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](%6Aavascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '[x](https://example.org "title" onmouseover="alert(1)")',
    "![img](javascript:alert(1))",
    "<iframe src=javascript:alert(1)></iframe>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<style>body{display:none}</style>",
    "\u202eevil\u202c reversed",
    "nul\x00byte",
    "<<script>script>alert(1)<</script>/script>",
    "{{ 7|add:7 }} {% debug %}",
    "</article></section><form action=//evil.example><button>go</button></form>",
    "x" * 5000,
]


@pytest.mark.slow  # every hostile body, seen by three viewers on the page and in the admin
def test_hostile_bodies_are_inert_on_the_page_and_in_the_admin(client):
    post = PostFactory()
    author = make_member("<b>Name</b> onmouseover=alert(1)")
    for body in HOSTILE:
        make_response(post=post, author=author, body=body)
    staff = get_user_model().objects.create_superuser(email="staff@example.org", password="pw")
    pages = [post.get_absolute_url()]
    problems = []
    for viewer in (None, author, staff):
        if viewer:
            client.force_login(viewer)
        for path in pages + (["/admin/responses/response/"] if viewer == staff else []):
            html = client.get(path).content.decode()
            if "admin" in path:  # the cells that show what members wrote
                body = "".join(re.findall(r'<t[hd] class="field-(?:summary|author_name)">(.*?)</t[hd]>', html, re.S))
                assert body.count("onerror") == 1  # shown, as text
            else:  # the responses, without the page's own form
                body = html.split('id="responses"', 1)[1].split('id="respond"', 1)[0]
            problems += [p for p in dangerous_parts(body) if p not in {"<input>", "<button>"}]
            assert "<b>Name</b>" not in html, [html[max(0, i - 200) : i + 50] for i in [html.find("<b>Name")]]
            assert "\u202e" not in html and "\x00" not in html
    for response in Response.objects.all():
        html = client.get(f"/admin/responses/response/{response.pk}/change/").content.decode()
        inside = html.split('class="response-body"', 1)[1].split("</div>", 1)[0]
        problems += dangerous_parts(inside)
    assert problems == []


def test_a_megabyte_body_is_a_form_error_not_a_500(client, post):
    client.force_login(make_member("Big"))
    answer = client.post(respond_url(post), form_data("x" * 1_000_000))
    assert answer.status_code == 400 and not Response.objects.exists()
    answer = client.post(respond_url(post), form_data("x" * 5001))
    assert answer.status_code == 400 and "5,000 characters" in answer.content.decode()


def test_a_nul_byte_in_a_form_is_refused_cleanly(client, post):
    client.force_login(make_member("Nul"))
    assert client.post(respond_url(post), form_data("a\x00b")).status_code in (302, 400)


class TestAnonymousCache:
    def test_approving_hiding_and_deleting_show_on_the_next_anonymous_request(self, post):
        reader = Client()
        author = make_member("Ann")
        staff = make_member("Ed", is_staff=True)
        assert reader.get(post.get_absolute_url()).status_code == 200
        services.response_create(user=author, post=post, body="Hello there.", key=form_data()["key"])
        first = reader.get(post.get_absolute_url())
        assert "Hello there." not in first.content.decode()
        response = Response.objects.get()
        moderation.moderate(actor=staff, responses=[response], action="approve")
        assert "Hello there." in reader.get(post.get_absolute_url()).content.decode()
        moderation.moderate(actor=staff, responses=[response], action="hide")
        assert "Hello there." not in reader.get(post.get_absolute_url()).content.decode()
        moderation.moderate(actor=staff, responses=[response], action="approve")
        assert "Hello there." in reader.get(post.get_absolute_url()).content.decode()
        services.response_delete(user=author, response=response)
        assert "Hello there." not in reader.get(post.get_absolute_url()).content.decode()

    def test_the_anonymous_page_sets_no_cookie_and_is_cached(self, client, post):
        make_response(post=post, author=make_member("Z"))
        first, second = client.get(post.get_absolute_url()), client.get(post.get_absolute_url())
        assert not first.cookies and second.headers.get("X-Cache") == "hit"

    def test_a_held_response_does_not_retire_the_page_cache(self, client, post):
        client.get(post.get_absolute_url())
        services.response_create(user=make_member("New"), post=post, body="Held.", key=form_data()["key"])
        assert client.get(post.get_absolute_url()).headers.get("X-Cache") == "hit"


def _fill(post, threads: int) -> None:
    members = [make_member(f"M{n}") for n in range(3)]
    for n in range(threads):
        top = make_response(post=post, author=members[n % 3], body=f"Thread {n}")
        if n % 2:
            make_response(post=post, author=members[(n + 1) % 3], parent=top, body=f"Reply {n}")


def _queries(client, path, params=None) -> int:
    client.get(path)  # warm whatever is kept under the content version
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params).status_code == 200
    return len(captured)


WARM_QUERIES = {"reader": 0, "member": 0, "responder": 0}


@pytest.mark.slow
@pytest.mark.parametrize("viewer", ["reader", "member", "responder"])
def test_the_post_page_costs_the_same_with_5_and_100_responses(viewer):
    """Guards the responses part of the page: a page of threads and one query for all replies, drawn once;
    for a member who responded, their own responses (published, replied to, held) read in one query."""
    counts, first_counts = [], []
    for size in (5, 100):
        post = PostFactory()
        _fill(post, size)
        client = Client()
        if viewer != "reader":
            member = make_member(f"Viewer{size}")
            client.force_login(member)
        if viewer == "responder":
            mine = make_response(post=post, author=member, body="Mine.")
            make_response(post=post, author=make_member(f"Other{size}"), parent=mine)
            make_response(post=post, author=member, status="held")
        with CaptureQueriesContext(connection) as first:
            assert client.get(post.get_absolute_url(), {"responses": 1}).status_code == 200
        first_counts.append(len(first))
        counts.append(_queries(client, post.get_absolute_url(), {"responses": 1}))
    # Warm, the page costs the member the user and the post (the rest is kept); a reader, nothing.
    assert counts == [WARM_QUERIES[viewer]] * 2 and first_counts[0] == first_counts[1]


@pytest.mark.slow
def test_the_moderation_queue_costs_the_same_with_10_and_1000_held():
    """Guards the queue: the page, its count, and nothing per row."""
    staff = get_user_model().objects.create_superuser(email="staff@example.org", password="pw")
    client = Client()
    client.force_login(staff)
    counts = []
    for size in (10, 1000):
        post = PostFactory()
        author = make_member(f"Q{size}")
        Response.objects.bulk_create(
            [
                Response(post=post, author=author, body=f"b{n}", body_html=f"<p>b{n}</p>", status="held")
                for n in range(size)
            ]
        )
        counts.append(_queries(client, "/admin/responses/response/?queue=waiting"))
    assert counts[0] == counts[1]


class TestAdmin:
    def test_row_and_bulk_actions_are_logged_and_the_log_is_read_only(self, client, post):
        staff = get_user_model().objects.create_superuser(email="staff@example.org", password="pw")
        author = make_member("Una")
        one, two, three = (make_response(post=post, author=author, status="held") for _ in range(3))
        client.force_login(staff)
        changelist = client.get("/admin/responses/response/?queue=waiting").content.decode()
        assert f"/admin/responses/response/{one.pk}/moderate/approve/" in changelist
        client.post(f"/admin/responses/response/{one.pk}/moderate/approve/")
        client.post("/admin/responses/response/", {"action": "reject", "_selected_action": [two.pk, three.pk]})
        assert [r.status for r in Response.objects.order_by("pk")] == ["published", "rejected", "rejected"]
        log = ModerationLog.objects.order_by("pk")
        assert [(row.action, row.actor_name) for row in log] == [
            ("approve", "staff@example.org"),
            ("reject", "staff@example.org"),
            ("reject", "staff@example.org"),
        ]
        entry = log.first()
        assert client.get("/admin/responses/moderationlog/").status_code == 200
        assert client.get("/admin/responses/moderationlog/add/").status_code == 403
        assert client.post(f"/admin/responses/moderationlog/{entry.pk}/delete/").status_code == 403
        client.post(f"/admin/responses/moderationlog/{entry.pk}/change/", {"reason": "rewritten"})
        entry.refresh_from_db()
        assert entry.reason == ""

    def test_a_row_action_needs_post(self, client, post):
        staff = get_user_model().objects.create_superuser(email="staff@example.org", password="pw")
        held = make_response(post=post, author=make_member("V"), status="held")
        client.force_login(staff)
        assert client.get(f"/admin/responses/response/{held.pk}/moderate/approve/").status_code == 405
        client.force_login(make_member("Not staff"))
        client.post(f"/admin/responses/response/{held.pk}/moderate/approve/")
        held.refresh_from_db()
        assert held.is_held

    def test_at_risk_reports_come_first_then_the_oldest(self, client, post):
        staff = get_user_model().objects.create_superuser(email="staff@example.org", password="pw")
        old = make_response(post=post, author=make_member("W"), status="held")
        risky = make_response(post=post, author=make_member("X"))
        services.report_create(user=make_member("Y"), response=risky, reason="at_risk")
        client.force_login(staff)
        rows = client.get("/admin/responses/response/?queue=waiting").context["cl"].result_list
        assert [row.pk for row in rows] == [risky.pk, old.pk]

    def test_a_ban_can_hide_past_responses_and_is_logged(self, client, post):
        staff = get_user_model().objects.create_superuser(email="staff@example.org", password="pw")
        member = make_member("Zed")
        shown = make_response(post=post, author=member)
        client.force_login(staff)
        answer = client.post(
            "/admin/responses/ban/add/",
            {
                "user": member.pk,
                "reason": "Repeated unkindness",
                "ends_at_0": "",
                "ends_at_1": "",
                "hide_past_responses": "on",
            },
        )
        assert answer.status_code == 302
        shown.refresh_from_db()
        assert shown.status == "hidden"
        assert set(ModerationLog.objects.values_list("action", flat=True)) == {"ban", "hide"}


class TestPrivacy:
    def test_download_my_data_holds_the_responses(self, client, post):
        member = make_member("Ann")
        make_response(post=post, author=member, body="Mine.")
        client.force_login(member)
        data = json.loads(client.get("/accounts/export/").content)
        assert data["responses"]["display_name"] == "Ann"
        assert [item["body"] for item in data["responses"]["items"]] == ["Mine."]

    @pytest.mark.parametrize("answer", ["keep", "delete"])
    def test_deleting_the_account_asks_about_responses(self, client, post, answer):
        member = make_member("Ann")
        top = make_response(post=post, author=member, body="Mine.")
        make_response(post=post, author=make_member("Bo"), parent=top, body="A reply.")
        client.force_login(member)
        assert "Your responses" in client.get("/accounts/delete/").content.decode()
        assert client.post("/accounts/delete/", {"password": "a long password here"}).status_code == 400
        client.post("/accounts/delete/", {"password": "a long password here", "responses_choice": answer})
        top.refresh_from_db()
        assert top.author is None
        html = Client().get(post.get_absolute_url()).content.decode()
        assert "A reply." in html
        if answer == "keep":
            assert "Mine." in html and "a former member" in html
        else:
            assert "Mine." not in html and "Removed by its author." in html

    def test_responses_stay_out_of_feeds_search_and_sitemap(self, client, post):
        make_response(post=post, author=make_member("Ann"), body="Zephyrwords appear here.")
        for path in ("/feed.xml", "/search/?q=zephyrwords", "/sitemap.xml"):
            assert "Zephyrwords" not in client.get(path).content.decode()

    def test_no_ip_address_is_stored(self):
        names = {field.name for model in (Response,) for field in model._meta.get_fields()}
        assert not {"ip", "ip_address", "user_agent"} & names

    def test_the_account_page_shows_and_changes_the_display_name(self, client):
        member = make_member("Old name")
        client.force_login(member)
        assert "Old name" in client.get("/accounts/").content.decode()
        client.post("/responses/display-name/", {"display_name": "New name"})
        member.responder.refresh_from_db()
        assert member.responder.display_name == "New name"
        assert client.post("/responses/display-name/", {"display_name": " "}).status_code == 400


class TestMembersPages:
    """The published threads are kept once for all members; what is a member's own is drawn for them only."""

    def test_own_responses_get_edit_and_delete_and_others_see_report(self, post):
        ann, bob = make_member("Ann"), make_member("Bob")
        mine = make_response(post=post, author=ann, body="Ann's words.")
        held = make_response(post=post, author=ann, parent=mine, body="Ann's held reply.", status="held")
        pages = {}
        for member in (ann, bob, ann):  # Bob's page is drawn from what Ann's page left in the cache
            client = Client()
            client.force_login(member)
            pages[member.pk] = client.get(post.get_absolute_url()).content.decode()
        edit, delete, report = (f"/responses/{mine.pk}/{action}/" for action in ("edit", "delete", "report"))
        assert edit in pages[ann.pk] and delete in pages[ann.pk] and report not in pages[ann.pk]
        assert "Ann's held reply." in pages[ann.pk] and f'id="{held.anchor}"' in pages[ann.pk]
        assert edit not in pages[bob.pk] and delete not in pages[bob.pk] and report in pages[bob.pk]
        assert "Ann's held reply." not in pages[bob.pk]

    def test_a_held_response_never_reaches_the_shared_cache(self, post):
        author = make_member("Held")
        make_response(post=post, author=author, body="Published words.")
        make_response(post=post, author=author, body="Secret held words.", status="held")
        client = Client()
        client.force_login(author)
        assert "Secret held words." in client.get(post.get_absolute_url()).content.decode()
        Client().get(post.get_absolute_url())  # and a reader's page
        other = Client()
        other.force_login(make_member("Other"))
        other.get(post.get_absolute_url())  # and another member's, drawn from the shared parts
        kept = [
            cache.get(key)
            for kind in ("member", "reader")
            for key in (
                versioned_key("list", "responses-threads", post.pk, 1, kind),
                versioned_key("responses-drawn", post.pk, 1, kind),
            )
        ]
        assert all("Published words." in repr(each) for each in kept)
        assert not any("Secret held words." in repr(each) for each in kept)

    def test_a_held_response_is_placed_on_one_page_only(self, post):
        author = make_member("Late")
        others = make_member("Other")
        for n in range(60):
            make_response(post=post, author=others, body=f"Thread {n}")
        make_response(post=post, author=author, body="Held at the end.", status="held")
        client = Client()
        client.force_login(author)
        first = client.get(post.get_absolute_url()).content.decode()
        second = client.get(post.get_absolute_url(), {"responses": 2}).content.decode()
        assert "Held at the end." not in first and "Held at the end." in second


def test_response_settings_open_as_one_page_in_the_admin(client):
    """Like the site text: the list goes straight to the one row, which cannot be added twice."""
    from responses.models import ResponseSettings

    client.force_login(get_user_model().objects.create_superuser(email="staff@example.org", password="pw"))
    assert client.get("/admin/responses/responsesettings/")["Location"].endswith("/responsesettings/add/")
    ResponseSettings(close_after_days=30).save()
    assert client.get("/admin/responses/responsesettings/")["Location"].endswith("/responsesettings/1/change/")
    page = client.get("/admin/responses/responsesettings/1/change/").content.decode()
    assert "Site-wide defaults" in page and "Site text" in page


def test_a_page_of_threads_is_its_own_public_page_in_the_page_cache(client):
    """blog's post view does not read ?responses= itself: the app added it to the page's parameters at startup
    (blog.page_cache.add_page_params), so the page cache keeps each page of threads apart, and still drops
    parameters no one reads."""
    url = PostFactory().get_absolute_url()
    client.get(url)
    assert client.get(url).headers["X-Cache"] == "hit"
    assert client.get(url + "?responses=1").headers["X-Cache"] == "miss"  # read by the view: a page of its own
    assert client.get(url + "?responses=1&cb=1").headers["X-Cache"] == "hit"  # cb read by no one: dropped
