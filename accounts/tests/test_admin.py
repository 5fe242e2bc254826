"""Staff's admin for members, saved pieces and the posts' "saves" column; notes stay private."""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Favourite
from accounts.tests.factories import FavouriteFactory
from blog.admin import PostAdmin
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
SECRET = "my private words about grief"


@pytest.fixture
def favourites(member, other_member):
    kettle = PostFactory(title="Letting the kettle boil")
    dusk = PostFactory(title="Small kindnesses at dusk")
    return [
        FavouriteFactory(user=member, post=kettle, note=SECRET),
        FavouriteFactory(user=other_member, post=dusk, note=""),
    ]


def test_favourite_changelist_shows_that_a_note_exists_never_its_text(admin_client, favourites):
    response = admin_client.get("/admin/accounts/favourite/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Letting the kettle boil" in html
    assert "ann@example.org" in html
    assert SECRET not in html
    # The "has a note" column: a neutral yes / no, not the admin's red cross.
    assert '<td class="field-has_note">yes</td>' in html and '<td class="field-has_note">no</td>' in html
    assert "icon-no.svg" not in html


def test_favourite_detail_never_shows_the_note(admin_client, favourites):
    response = admin_client.get(f"/admin/accounts/favourite/{favourites[0].pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in html
    assert "ann@example.org" in html


def test_favourites_are_read_only_for_staff(admin_client, favourites):
    favourite = favourites[0]
    response = admin_client.post(f"/admin/accounts/favourite/{favourite.pk}/change/", {"note": "changed by staff"})
    assert response.status_code == 403
    favourite.refresh_from_db()
    assert favourite.note == SECRET
    assert admin_client.get("/admin/accounts/favourite/add/").status_code == 403


def test_favourite_search_by_member_email_and_post_title(admin_client, favourites):
    html = admin_client.get("/admin/accounts/favourite/", {"q": "bea@example"}).content.decode()
    assert "Small kindnesses at dusk" in html
    assert "Letting the kettle boil" not in html
    html = admin_client.get("/admin/accounts/favourite/", {"q": "kettle"}).content.decode()
    assert "Letting the kettle boil" in html
    assert "Small kindnesses at dusk" not in html


def test_favourite_search_never_matches_note_text(admin_client, favourites):
    html = admin_client.get("/admin/accounts/favourite/", {"q": "grief"}).content.decode()
    assert "Letting the kettle boil" not in html


def test_favourite_filter_by_saved_date(admin_client, favourites):
    old = favourites[1]
    Favourite.objects.filter(pk=old.pk).update(saved_at=timezone.now() - datetime.timedelta(days=400))
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    html = admin_client.get("/admin/accounts/favourite/", {"saved_at__gte": midnight.isoformat()}).content.decode()
    assert "Letting the kettle boil" in html
    assert "Small kindnesses at dusk" not in html


@pytest.mark.parametrize("rows", [3, pytest.param(30, marks=pytest.mark.slow)])
def test_favourite_changelist_query_count_does_not_grow(admin_client, rows):
    """Members and posts come with the rows (list_select_related): no query per row."""

    def count_for(rows):
        Favourite.objects.all().delete()
        for _ in range(rows):
            FavouriteFactory()
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get("/admin/accounts/favourite/").status_code == 200
        return len(captured)

    small = count_for(1)
    assert count_for(rows) == small


def test_user_admin_lists_searches_and_orders_by_email(admin_client, member, other_member):
    html = admin_client.get("/admin/accounts/user/", {"q": "bea@"}).content.decode()
    assert "bea@example.org" in html
    assert "ann@example.org" not in html
    html = admin_client.get("/admin/accounts/user/").content.decode()
    assert html.index("ann@example.org") < html.index("bea@example.org")


def test_user_admin_adds_a_member_by_email(admin_client):
    response = admin_client.get("/admin/accounts/user/add/")
    assert response.status_code == 200
    assert 'name="username"' not in response.content.decode()
    data = {
        "email": "New.Member@Example.org",
        "usable_password": "true",
        "password1": "a calm and long passphrase",
        "password2": "a calm and long passphrase",
    }
    response = admin_client.post("/admin/accounts/user/add/", data)
    assert response.status_code == 302
    user = User.objects.get(email="new.member@example.org")
    assert user.check_password("a calm and long passphrase")
    assert not user.is_staff


def test_user_admin_refuses_a_duplicate_email(admin_client, member):
    data = {
        "email": "ANN@example.org",
        "usable_password": "true",
        "password1": "long enough 123",
        "password2": "long enough 123",
    }
    response = admin_client.post("/admin/accounts/user/add/", data)
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="ann@example.org").count() == 1


def test_user_admin_change_page(admin_client, member):
    response = admin_client.get(f"/admin/accounts/user/{member.pk}/change/")
    assert response.status_code == 200
    assert "ann@example.org" in response.content.decode()


@pytest.mark.parametrize("posts", [3, pytest.param(30, marks=pytest.mark.slow)])
def test_post_admin_saves_column_costs_a_fixed_number_of_queries(admin_client, posts):
    """The "saves" column is annotated in the changelist query: 1 post or many cost the same."""

    def count_for(rows):
        for _ in range(rows):
            post = PostFactory(tags=["Rest"])
            for _ in range(2):
                FavouriteFactory(post=post)
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get("/admin/blog/post/").status_code == 200
        return len(captured)

    small = count_for(1)
    assert count_for(posts - 1) == small  # `posts` now


def test_post_admin_can_order_by_saves(admin_client):
    quiet = PostFactory(title="Quiet piece")
    loved = PostFactory(title="Loved piece")
    middling = PostFactory(title="Middling piece")
    for _ in range(3):
        FavouriteFactory(post=loved)
    FavouriteFactory(post=middling)
    column = PostAdmin.list_display.index("saves") + 1
    html = admin_client.get("/admin/blog/post/", {"o": f"-{column}"}).content.decode()
    assert html.index("Loved piece") < html.index("Middling piece") < html.index("Quiet piece")
    html = admin_client.get("/admin/blog/post/", {"o": str(column)}).content.decode()
    assert html.index("Quiet piece") < html.index("Middling piece") < html.index("Loved piece")
    assert quiet.title in html


@pytest.mark.parametrize(
    "lookup",
    ["note__icontains", "note__regex", "note__startswith", "note", "note__gt", "note__isnull"],
)
def test_favourite_changelist_refuses_every_lookup_on_the_note(admin_client, favourites, lookup):
    """``?note__regex=^m`` would read a note a character at a time: refused (400), never a filter."""
    response = admin_client.get("/admin/accounts/favourite/", {lookup: "m"})
    assert response.status_code == 400
    assert SECRET not in response.content.decode()


def test_favourite_changelist_refuses_lookups_through_the_member(admin_client, favourites):
    for lookup in ("user__password__startswith", "user__favourites__note__icontains"):
        assert admin_client.get("/admin/accounts/favourite/", {lookup: "a"}).status_code == 400


@pytest.mark.parametrize("lookup", ["password__startswith", "password__regex", "favourites__note__icontains"])
def test_member_changelist_refuses_lookups_on_password_hashes_and_notes(admin_client, favourites, lookup):
    assert admin_client.get("/admin/accounts/user/", {lookup: "a"}).status_code == 400


def test_allowed_filters_still_filter(admin_client, favourites):
    html = admin_client.get("/admin/accounts/favourite/", {"saved_at__year": "1999"}).content.decode()
    assert "Letting the kettle boil" not in html


class _VisibleText(HTMLParser):
    """The words a reader of the page sees: text nodes, titles and labels, not URLs or ids."""

    def __init__(self):
        super().__init__()
        self.words: list[str] = []

    def handle_data(self, data):
        self.words.append(data)

    def handle_starttag(self, tag, attrs):
        self.words += [value or "" for name, value in attrs if name in {"title", "aria-label", "alt", "placeholder"}]


def test_the_admin_calls_them_saved_pieces_as_the_site_does(admin_client):
    visible = _VisibleText()
    visible.feed(admin_client.get("/admin/accounts/favourite/").content.decode())
    text = " ".join(visible.words).lower()
    assert "saved pieces" in text
    assert "favourite" not in text


def test_a_piece_staff_delete_is_no_longer_shown_as_saved(admin_client, member, favourites):
    """The member's saved ids are kept between requests: deleting rows in the admin reads them again."""
    member_client = Client()
    member_client.force_login(member)
    url = favourites[0].post.get_absolute_url()
    assert 'aria-pressed="true"' in member_client.get(url).content.decode()
    admin_client.post(
        "/admin/accounts/favourite/",
        {"action": "delete_selected", "_selected_action": [favourites[0].pk], "post": "yes"},
    )
    assert not Favourite.objects.filter(pk=favourites[0].pk).exists()
    assert 'aria-pressed="true"' not in member_client.get(url).content.decode()
    other = favourites[1]
    admin_client.post(f"/admin/accounts/favourite/{other.pk}/delete/", {"post": "yes"})
    assert not Favourite.objects.filter(pk=other.pk).exists()
