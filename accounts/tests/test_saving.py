"""Saving and unsaving a piece: two explicit, idempotent POSTs behind CSRF, with or without JavaScript."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import pending
from accounts.models import Favourite
from accounts.services import favourite_add
from accounts.tests.factories import FavouriteFactory
from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def save_url(post):
    return reverse("accounts:save", args=[post.slug])


def unsave_url(post):
    return reverse("accounts:unsave", args=[post.slug])


def csrf_token_for(client, path):
    """The token a member's page carries in its forms (the CSRF cookie itself is HttpOnly)."""
    html = client.get(path).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_post_save_saves_and_redirects_back_to_next(member_client, member, post):
    response = member_client.post(save_url(post), {"next": "/archive/"})
    assert response.status_code == 302
    assert response.url == "/archive/"
    assert Favourite.objects.filter(user=member, post=post).count() == 1


def test_save_without_next_returns_to_the_post(member_client, post):
    response = member_client.post(save_url(post))
    assert response.url == post.get_absolute_url()


def test_saving_twice_leaves_one_row_and_keeps_the_note(member_client, member, post):
    member_client.post(save_url(post))
    Favourite.objects.filter(user=member, post=post).update(note="keep me")
    member_client.post(save_url(post))
    rows = Favourite.objects.filter(user=member, post=post)
    assert rows.count() == 1
    assert rows.get().note == "keep me"


def test_unsave_removes_and_unsaving_again_is_a_no_op(member_client, member, post):
    favourite_add(user=member, post=post)
    assert member_client.post(unsave_url(post)).status_code == 302
    assert not Favourite.objects.saved().filter(user=member).exists()
    response = member_client.post(unsave_url(post))
    assert response.status_code == 302
    assert not Favourite.objects.saved().filter(user=member).exists()


def test_last_request_wins_like_two_open_tabs(member_client, member, post):
    for url in (save_url(post), unsave_url(post), save_url(post), save_url(post)):
        member_client.post(url)
    assert Favourite.objects.filter(user=member, post=post).count() == 1
    member_client.post(unsave_url(post))
    member_client.post(unsave_url(post))
    assert not Favourite.objects.saved().filter(user=member, post=post).exists()


def test_saving_only_touches_the_members_own_rows(member_client, member, other_member, post):
    FavouriteFactory(user=other_member, post=post, note="Bea's")
    member_client.post(unsave_url(post))
    assert Favourite.objects.get(user=other_member, post=post).note == "Bea's"


def test_json_answers_instead_of_redirecting(member_client, member, post):
    response = member_client.post(save_url(post), **JSON)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"saved": True, "slug": post.slug}
    response = member_client.post(unsave_url(post), **JSON)
    assert response.json() == {"saved": False, "slug": post.slug}
    assert not Favourite.objects.saved().filter(user=member).exists()


def test_json_save_adds_no_message_for_a_later_page(member_client, post):
    member_client.post(save_url(post), **JSON)
    response = member_client.get("/")
    assert not list(response.context["messages"])


def test_get_changes_nothing(member_client, member, post):
    response = member_client.get(save_url(post))
    assert response.status_code == 302
    assert response.url == post.get_absolute_url()
    assert member_client.get(unsave_url(post)).status_code == 405
    assert not Favourite.objects.exists()
    favourite_add(user=member, post=post)
    member_client.get(unsave_url(post))
    assert Favourite.objects.filter(user=member).count() == 1


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(member_client, post, method):
    assert getattr(member_client, method)(save_url(post)).status_code == 405


def test_save_needs_a_csrf_token(csrf_client, member, post):
    assert csrf_client.post(save_url(post)).status_code == 403
    assert csrf_client.post(save_url(post), **JSON).status_code == 403
    assert csrf_client.post(save_url(post), HTTP_X_CSRFTOKEN="x" * 64, **JSON).status_code == 403
    assert not Favourite.objects.exists()


def test_unsave_needs_a_csrf_token(csrf_client, member, post):
    favourite_add(user=member, post=post)
    assert csrf_client.post(unsave_url(post)).status_code == 403
    assert csrf_client.post(unsave_url(post), **JSON).status_code == 403
    assert Favourite.objects.filter(user=member, post=post).exists()


def test_csrf_token_from_the_form_works_as_header_and_field(csrf_client, member, post):
    token = csrf_token_for(csrf_client, post.get_absolute_url())
    response = csrf_client.post(save_url(post), HTTP_X_CSRFTOKEN=token, **JSON)
    assert response.status_code == 200
    assert Favourite.objects.filter(user=member, post=post).exists()
    response = csrf_client.post(unsave_url(post), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not Favourite.objects.saved().filter(user=member, post=post).exists()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "http://evil.example@127.0.0.1.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
        "https:///evil.example",
    ],
)
def test_next_pointing_off_site_is_ignored(member_client, post, target):
    response = member_client.post(save_url(post), {"next": target})
    assert response.status_code == 302
    assert response.url == post.get_absolute_url()


def test_unknown_post_is_404(member_client):
    assert member_client.post("/posts/no-such-piece/save/").status_code == 404
    assert member_client.post("/posts/no-such-piece/unsave/").status_code == 404
    assert member_client.get("/posts/no-such-piece/save/").status_code == 404


@pytest.mark.parametrize(
    "state",
    [
        {"status": Post.Status.DRAFT},
        {"published_at": timezone.now() + datetime.timedelta(days=3)},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_post_is_404(member_client, state):
    hidden = PostFactory(**state)
    assert member_client.post(save_url(hidden)).status_code == 404
    assert member_client.post(save_url(hidden), **JSON).status_code == 404
    assert member_client.post(unsave_url(hidden)).status_code == 404
    assert not Favourite.objects.exists()


def test_anonymous_get_asks_to_log_in_and_remembers_nothing(client, post):
    """A cross-site link to the Save URL cannot plant a wish: GET sets no cookie and keeps nothing."""
    response = client.get(save_url(post))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Log in to save “Letting the kettle boil”" in html
    assert f'<form class="form-stack" method="post" action="{save_url(post)}">' in html
    assert "sessionid" not in response.cookies
    assert not client.session.get(pending.SESSION_KEY)
    assert not Favourite.objects.exists()


def test_anonymous_post_from_that_page_remembers_the_wish_and_sends_to_login(post):
    client = Client(enforce_csrf_checks=True)
    page = client.get(save_url(post)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = client.post(save_url(post), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=%2Fposts%2F{post.slug}%2F"
    assert client.session[pending.SESSION_KEY]["slug"] == post.slug
    assert not Favourite.objects.exists()


def test_anonymous_post_saves_nothing(post):
    client = Client()
    assert client.post(save_url(post)).status_code == 302
    assert client.post(save_url(post), **JSON).status_code == 401
    assert client.post(unsave_url(post)).status_code == 302
    assert not Favourite.objects.exists()
    # With CSRF checks on (as in a browser) an anonymous POST never even reaches the view.
    assert Client(enforce_csrf_checks=True).post(save_url(post)).status_code == 403


def test_unicode_slug(member_client, member):
    post = PostFactory(title="静かな朝", slug="静かな朝")
    response = member_client.post(save_url(post), **JSON)
    assert response.json()["saved"] is True
    assert Favourite.objects.filter(user=member, post=post).exists()


def test_an_enormous_next_is_ignored(member_client, post):
    response = member_client.post(save_url(post), {"next": "/" + "a" * 5000})
    assert response.url == post.get_absolute_url()


def test_head_on_the_save_link_starts_no_session(client, post):
    response = client.head(save_url(post))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_robots_keep_crawlers_off_the_save_links(client):
    assert "Disallow: /posts/*/save/" in client.get("/robots.txt").content.decode()
