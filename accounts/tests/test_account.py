"""The member's account page: their email and password, "Download my data", "Delete my account"."""

import datetime
import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import Favourite
from accounts.services import favourite_add
from accounts.tests.factories import PASSWORD, FavouriteFactory
from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_account_page_needs_login(client):
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_account_page_links_to_email_password_export_and_deletion(member_client, member, post):
    favourite_add(user=member, post=post)
    response = member_client.get(reverse("accounts:account"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "ann@example.org" in html
    for name in ("account_email", "account_change_password", "accounts:export", "accounts:delete"):
        assert f'href="{reverse(name)}"' in html
    assert "Download my data" in html
    assert "Delete my account" in html
    assert "You have saved 1 piece." in html
    assert "no-store" in response["Cache-Control"]


# --- Download my data -------------------------------------------------------------------------


def test_export_needs_login(client):
    assert client.get(reverse("accounts:export")).status_code == 302


def test_export_is_a_json_attachment(member_client):
    response = member_client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert disposition.endswith('.json"')
    assert "no-store" in response["Cache-Control"]


def test_export_holds_the_account_and_every_saved_piece(member_client, member, other_member, settings):
    settings.SITE_URL = "https://calm.example"
    public = PostFactory(title="Public piece", slug="public-piece")
    hidden = PostFactory(title="Hidden again", slug="hidden-again")
    gone = PostFactory(title="Gone piece")
    FavouriteFactory(user=member, post=public, note="Mine: public.")
    FavouriteFactory(user=member, post=hidden, note="Mine: hidden.")
    FavouriteFactory(user=member, post=gone, note="Mine: gone.")
    FavouriteFactory(user=other_member, post=public, note="Bea's note")
    Post.objects.filter(pk=hidden.pk).update(status=Post.Status.DRAFT)
    gone.delete()
    saved_at = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    Favourite.objects.filter(user=member, post=public).update(saved_at=saved_at)

    data = json.loads(member_client.get(reverse("accounts:export")).content)

    assert data["account"]["email"] == "ann@example.org"
    assert data["account"]["date_joined"] == member.date_joined.astimezone(datetime.UTC).isoformat()
    assert data["account"]["email_addresses"] == [{"email": "ann@example.org", "primary": True, "verified": True}]
    pieces = {piece["title"]: piece for piece in data["saved_pieces"]}
    assert set(pieces) == {"Public piece", "Hidden again", "Gone piece"}
    assert pieces["Public piece"] == {
        "title": "Public piece",
        "url": "https://calm.example/posts/public-piece/",
        "status": "published",
        "saved_at": "2026-01-02T03:04:05+00:00",
        "removed_at": None,
        "note": "Mine: public.",
    }
    assert pieces["Hidden again"]["status"] == "unpublished"
    assert pieces["Hidden again"]["url"] is None  # nothing of a draft, not even its address
    assert pieces["Gone piece"]["status"] == "deleted"
    assert pieces["Gone piece"]["url"] is None
    assert pieces["Gone piece"]["note"] == "Mine: gone."
    assert "Bea" not in json.dumps(data)


def test_export_keeps_unicode_readable(member_client, member):
    FavouriteFactory(user=member, post=PostFactory(title="静かな朝", slug="静かな朝"), note="ありがとう ✨")
    body = member_client.get(reverse("accounts:export")).content.decode("utf-8")
    assert "ありがとう ✨" in body
    # URLs are percent-encoded, as reverse() gives them: they work when pasted anywhere.
    assert json.loads(body)["saved_pieces"][0]["url"].endswith("/posts/%E9%9D%99%E3%81%8B%E3%81%AA%E6%9C%9D/")


# --- Delete my account ------------------------------------------------------------------------


def test_delete_page_asks_for_the_password(member_client):
    response = member_client.get(reverse("accounts:delete"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="password"' in html
    assert 'autocomplete="current-password"' in html


def test_wrong_password_deletes_nothing(member_client, member, post):
    favourite_add(user=member, post=post)
    response = member_client.post(reverse("accounts:delete"), {"password": "not mine"})
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()
    assert Favourite.objects.filter(user=member).exists()


def test_deletion_removes_exactly_that_members_rows(member_client, member, other_member):
    posts = [PostFactory() for _ in range(3)]
    for post in posts:
        FavouriteFactory(user=member, post=post, note="mine")
        FavouriteFactory(user=other_member, post=post, note="theirs")
    FavouriteFactory(user=member, post=None, post_title="deleted piece", note="kept until now")
    response = member_client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("blog:home")
    assert not User.objects.filter(pk=member.pk).exists()
    assert not Favourite.objects.filter(user_id=member.pk).exists()
    assert not EmailAddress.objects.filter(user_id=member.pk).exists()
    assert Favourite.objects.filter(user=other_member).count() == 3
    assert set(Favourite.objects.values_list("note", flat=True)) == {"theirs"}
    assert Post.objects.count() == 3
    assert EmailAddress.objects.filter(user=other_member).exists()
    # Logged out, and told so once.
    assert "_auth_user_id" not in member_client.session
    home = member_client.get(response.url)
    assert "have been deleted" in home.content.decode()


def test_deletion_needs_csrf(csrf_client, member):
    response = csrf_client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 403
    assert User.objects.filter(pk=member.pk).exists()


def test_deletion_password_guessing_is_rate_limited(member_client, member):
    for _ in range(10):
        member_client.post(reverse("accounts:delete"), {"password": "guess"})
    response = member_client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_deletion_caps_the_password_length(member_client, member):
    response = member_client.post(reverse("accounts:delete"), {"password": "x" * 100_000})
    assert response.status_code == 400
    assert User.objects.filter(pk=member.pk).exists()


# --- Members never reach the admin ------------------------------------------------------------


def test_members_never_reach_the_admin(member_client):
    response = member_client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    response = member_client.get("/admin/accounts/favourite/")
    assert response.status_code == 302


def test_member_cannot_log_in_to_the_admin(member):
    client = Client()
    response = client.post("/admin/login/", {"username": member.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302  # to the members' login page, which checks the password
    assert "_auth_user_id" not in client.session
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD, "next": "/admin/"})
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/").status_code == 403


def test_staff_reach_the_admin():
    staff = User.objects.create_user(email="editor@example.org", password=PASSWORD, is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
