"""The Save button on every list of posts and on the post page, for members and for everyone else."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import favourite_add
from accounts.tests.factories import MemberFactory
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "home": lambda post: reverse("blog:home"),
    "tag": lambda post: reverse("blog:tag-detail", args=["rest"]),
    "search": lambda post: reverse("blog:search") + "?q=kettle",
    "post": lambda post: post.get_absolute_url(),
}


def save_forms(html: str) -> list[str]:
    return re.findall(r'<form class="save-form".*?</form>', html, flags=re.S)


@pytest.mark.parametrize("page", PAGES)
def test_member_sees_which_pieces_are_saved(member_client, member, post, page):
    other = PostFactory(title="A kettle for later", tags=["Rest"])
    favourite_add(user=member, post=post)
    html = member_client.get(PAGES[page](post)).content.decode()
    forms = save_forms(html)
    saved_form = next(form for form in forms if f"/posts/{post.slug}/" in form)
    assert 'aria-pressed="true"' in saved_form
    assert f'action="/posts/{post.slug}/unsave/"' in saved_form
    assert ">Saved<" in saved_form
    assert 'name="csrfmiddlewaretoken"' in saved_form
    if page != "post":
        unsaved_form = next(form for form in forms if f"/posts/{other.slug}/" in form)
        assert 'aria-pressed="false"' in unsaved_form
        assert f'action="/posts/{other.slug}/save/"' in unsaved_form
    assert "js/save.js" in html


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_reader_gets_a_link_no_form_no_cookie(post, page):
    client = Client()
    response = client.get(PAGES[page](post))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/posts/{post.slug}/save/"' in html
    assert "save-form" not in html
    assert "csrfmiddlewaretoken" not in html
    assert "js/save.js" not in html
    assert not response.cookies


def test_the_save_link_is_not_followed_by_crawlers(client, post):
    html = client.get(post.get_absolute_url()).content.decode()
    link = re.search(r'<a class="save-button save-login"[^>]*>', html)[0]
    assert 'rel="nofollow"' in link


def test_save_button_names_the_piece_for_screen_readers(member_client, post):
    html = member_client.get(post.get_absolute_url()).content.decode()
    form = save_forms(html)[0]
    assert "“Letting the kettle boil”" in form
    assert 'data-title="Letting the kettle boil"' in form


@pytest.mark.parametrize("saved", [5, pytest.param(50, marks=pytest.mark.slow)])
def test_home_page_query_count_does_not_grow_with_saved_pieces(django_assert_num_queries, saved):
    """A member's home page costs the same queries with 5 or 50 saved pieces.

    Guards the "at most one query for which cards are saved" promise: none once warm (the session, the
    user, the saved ids, the page of cards and the post count come from the cache).
    """
    member = MemberFactory()
    # More posts than a page holds, and than are saved.
    posts = [PostFactory(tags=["Rest"], days_ago=n + 1) for n in range(max(saved, 12))]
    for post in posts[:saved]:
        favourite_add(user=member, post=post)
    client = Client()
    client.force_login(member)
    client.get("/")  # warm the content version, the user, the saved ids, the page of cards and the count
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response.status_code == 200
    assert response.content.decode().count('aria-pressed="true"') == min(saved, 10)


def test_the_archive_is_a_compact_list_without_save_buttons(django_assert_num_queries):
    """The archive is for finding an essay by its date: saving happens on the essay, so the page asks
    nothing about the member's saved pieces (no query: the user and the page of titles are kept)."""
    member = MemberFactory()
    posts = [PostFactory(days_ago=n + 1) for n in range(60)]
    favourite_add(user=member, post=posts[0])
    client = Client()
    client.force_login(member)
    client.get("/archive/")
    with django_assert_num_queries(0):
        response = client.get("/archive/")
    html = response.content.decode()
    assert posts[0].title in html and save_forms(html) == [] and "save-button" not in html


def test_each_response_draws_its_own_csrf_token_and_way_back(member_client, member, post):
    """The buttons' shared parts are kept per process; the CSRF token and ``next`` are each response's own."""
    PostFactory(title="A kettle for later", tags=["Rest"])
    tokens = []
    for query in ("?page=1", ""):
        html = member_client.get(reverse("blog:home") + query).content.decode()
        forms = save_forms(html)
        assert len(forms) == 2
        page_tokens = {re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1] for form in forms}
        assert len(page_tokens) == 1
        assert all(f'name="next" value="/{query}"' in form for form in forms)
        tokens.append(page_tokens.pop())
    assert tokens[0] != tokens[1]


def test_the_saved_state_is_read_again_after_every_change(member_client, member, post):
    """Saved ids are kept between requests; saving, removing, Undo and removing by key each refresh them."""
    from accounts import services
    from accounts.models import Favourite

    def pressed():
        return 'aria-pressed="true"' in member_client.get(post.get_absolute_url()).content.decode()

    assert not pressed()
    services.favourite_add(user=member, post=post)
    assert pressed()
    services.favourite_remove(user=member, post=post)
    assert not pressed()
    key = Favourite.objects.get(user=member, post=post).key
    services.favourite_restore(user=member, key=key)
    assert pressed()
    services.favourite_remove_key(user=member, key=key)
    assert not pressed()
    member_client.post(reverse("accounts:save", args=[post.slug]))
    assert pressed()
    member_client.post(reverse("accounts:unsave", args=[post.slug]))
    assert not pressed()


def test_one_members_saved_state_never_shows_on_anothers_page(member_client, member, other_member, post):
    from accounts import services

    services.favourite_add(user=other_member, post=post)
    other = Client()
    other.force_login(other_member)
    assert 'aria-pressed="true"' in other.get(post.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' not in member_client.get(post.get_absolute_url()).content.decode()
