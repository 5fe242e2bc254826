"""The post page's threads are put in as bytes after the page is drawn (responses/middleware.py)."""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings

from responses.middleware import place
from responses.tests.factories import make_member, make_response
from responses.threads import DrawnPage

pytestmark = pytest.mark.django_db

WITHOUT_SPLICING = [name for name in settings.MIDDLEWARE if name != "responses.middleware.KeptThreadsMiddleware"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|name="key" value="[^"]+"')


@pytest.fixture
def answered(post):
    ann, bea = make_member("Ann"), make_member("Bea")
    top = make_response(post=post, author=bea, body="Bea’s words → with “quotes”.")
    make_response(post=post, author=ann, body="Ann’s reply.", parent=top)
    make_response(post=post, author=bea, body="A second thread.")
    return ann


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def same_page(client, post) -> tuple[str, str]:
    """The page with and without the middleware, the per-request tokens left out."""
    spliced = client.get(post.get_absolute_url())
    with override_settings(MIDDLEWARE=WITHOUT_SPLICING):
        drawn = client.get(post.get_absolute_url())
    assert spliced.status_code == drawn.status_code == 200
    assert int(spliced["Content-Length"]) == len(spliced.content)
    return TOKEN.sub("", spliced.content.decode()), TOKEN.sub("", drawn.content.decode())


def test_a_member_gets_the_same_page_as_drawn_whole(post, answered):
    spliced, drawn = same_page(logged_in(answered), post)
    assert spliced == drawn
    assert "Ann’s reply." in spliced and "Bea’s words → with “quotes”." in spliced
    assert "<!--responses" not in spliced


def test_another_member_and_staff_get_the_same_page_as_drawn_whole(post, answered):
    for user in (make_member("Cleo"), make_member("Dee", is_staff=True)):
        spliced, drawn = same_page(logged_in(user), post)
        assert spliced == drawn and "A second thread." in spliced


def test_a_reader_gets_the_same_page_and_a_working_etag(post, answered):
    from django.core.cache import cache

    reader = Client()
    first = reader.get(post.get_absolute_url())
    assert "A second thread." in first.content.decode() and "<!--responses" not in first.content.decode()
    again = reader.get(post.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    with override_settings(MIDDLEWARE=WITHOUT_SPLICING):
        cache.clear()  # drawn again, without the middleware
        assert Client().get(post.get_absolute_url()).content == first.content


def test_a_members_etag_names_the_whole_page(post, answered):
    client = logged_in(answered)
    first = client.get(post.get_absolute_url())
    assert first.has_header("ETag")
    # The page holds a new CSRF mask on each request, so its ETag is new each time, as Django's own would be.
    assert client.get(post.get_absolute_url())["ETag"] != first["ETag"]


def test_a_post_without_responses_has_no_marker(post):
    html = logged_in(make_member("Ann")).get(post.get_absolute_url()).content.decode()
    assert "<!--responses" not in html and "No responses yet." in html


def test_without_the_middleware_place_gives_the_threads_themselves(rf):
    page = DrawnPage("<li>kind words</li>", 1, has_next=False)
    assert place(rf.get("/"), page) == "<li>kind words</li>"


def test_a_marker_not_in_the_page_leaves_the_page_alone(rf):
    """A marker drawn into something that was not sent (a fragment thrown away) puts nothing anywhere."""
    from django.http import HttpResponse

    from responses.middleware import KeptThreadsMiddleware

    def view(request):
        place(request, DrawnPage("<li>kind words</li>", 1, has_next=False))
        return HttpResponse("<p>another page</p>")

    response = KeptThreadsMiddleware(view)(rf.get("/"))
    assert response.content == b"<p>another page</p>" and not response.has_header("ETag")


def test_a_warm_members_page_with_responses_makes_no_query(post, answered, django_assert_num_queries):
    client = logged_in(answered)
    client.get(post.get_absolute_url())
    with django_assert_num_queries(0):
        html = client.get(post.get_absolute_url()).content.decode()
    assert "Ann’s reply." in html and 'id="response-edit-template"' in html
