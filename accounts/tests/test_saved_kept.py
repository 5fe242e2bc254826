"""/saved/ is kept drawn between requests (its tag filter and rows): per member, never with a CSRF token,
and drawn again after every change the member or staff makes to what it shows."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import saved_fragments, services
from accounts.models import Favourite
from accounts.tests.factories import MemberFactory
from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

SAVED = "/saved/"


def filter_slugs(client) -> list[str]:
    return re.findall(r'href="/saved/\?tag=([^"]+)"', client.get(SAVED).content.decode())


def client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_the_filter_costs_no_query_once_kept(django_assert_num_queries):
    member = MemberFactory()
    services.favourite_add(user=member, post=PostFactory(tags=["Rest"]))
    client = client_for(member)
    with django_assert_num_queries(3):  # the user, the filter's tags, a page of rows
        client.get(SAVED)
    with django_assert_num_queries(0):  # the user, the filter and the rows come from the cache
        assert client.get(SAVED).status_code == 200


def test_another_member_never_sees_the_kept_filter():
    one, other = MemberFactory(), MemberFactory()
    services.favourite_add(user=one, post=PostFactory(tags=["Grief"]))
    services.favourite_add(user=other, post=PostFactory(tags=["Joy"]))
    assert filter_slugs(client_for(one)) == ["grief"]
    assert filter_slugs(client_for(other)) == ["joy"]


def test_the_filter_follows_saving_removing_and_restoring():
    member = MemberFactory()
    client = client_for(member)
    services.favourite_add(user=member, post=PostFactory(tags=["Rest"]))
    assert filter_slugs(client) == ["rest"]
    joy = PostFactory(tags=["Joy"])
    services.favourite_add(user=member, post=joy)
    assert filter_slugs(client) == ["joy", "rest"]
    services.favourite_remove(user=member, post=joy)
    assert filter_slugs(client) == ["rest"]
    key = member.favourites.get(post=joy).key
    services.favourite_restore(user=member, key=key)
    assert filter_slugs(client) == ["joy", "rest"]


def test_the_filter_follows_the_content():
    member = MemberFactory()
    client = client_for(member)
    post = PostFactory(tags=["Rest"])
    services.favourite_add(user=member, post=post)
    assert filter_slugs(client) == ["rest"]
    post.tags.add("Quiet")
    assert filter_slugs(client) == ["quiet", "rest"]
    post.status = Post.Status.DRAFT
    post.save()
    assert filter_slugs(client) == []  # nothing of a draft's


# --- The member's drawn page of rows ----------------------------------------------------------------


def notes_on(client, path=SAVED) -> list[str]:
    html = client.get(path).content.decode()
    return [note for note in re.findall(r'<span class="note-body">([^<]*)</span>', html) if note]


def kept_page(member, tag=None, number=1):
    """The member's page as it is kept now, read through the cache's public API."""
    return cache.get(saved_fragments.page_key(user=member, tag=tag, number=number))


def test_two_members_on_the_same_page_each_see_only_their_own():
    one, other = MemberFactory(), MemberFactory()
    post = PostFactory(tags=["Rest"])
    services.note_set(favourite=services.favourite_add(user=one, post=post), note="Ann writes")
    services.note_set(favourite=services.favourite_add(user=other, post=post), note="Bea writes")
    ann, bea = client_for(one), client_for(other)
    for _ in range(2):  # drawn, then from the cache
        assert notes_on(ann) == ["Ann writes"]
        assert notes_on(bea) == ["Bea writes"]
        assert notes_on(ann, SAVED + "?tag=rest") == ["Ann writes"]
        assert notes_on(bea, SAVED + "?tag=rest") == ["Bea writes"]
    assert "Bea" not in str(kept_page(one)) and "Ann" not in str(kept_page(other))


def test_the_kept_page_holds_no_csrf_token():
    member = MemberFactory()
    services.note_set(favourite=services.favourite_add(user=member, post=PostFactory(tags=["Rest"])), note="Mine")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    html = client.get(SAVED).content.decode()
    assert "{#" not in html and "{%" not in html  # no template comment or tag drawn as text
    token = re.search(
        r'<form id="saved-actions"[^>]*><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', html
    )[1]
    kept = kept_page(member)
    assert "Mine" in kept.rows and 'href="/saved/?tag=rest"' in kept.tag_filter  # the page is the one kept
    for part in (kept.rows, kept.tag_filter):
        assert "csrfmiddlewaretoken" not in part and token not in part
    assert client.cookies["csrftoken"].value not in kept.rows
    # The kept Remove button sends the page's form, whose token is this response's own: it works.
    key = Favourite.objects.get(user=member).key
    assert f'form="saved-actions" formaction="/saved/item/{key}/remove/"' in client.get(SAVED).content.decode()
    response = client.post(reverse("accounts:remove", args=[key]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert notes_on(client) == []


def writes(member, favourite):
    """Each way a member's page changes through the site, each sent the way a browser without JavaScript would."""
    post_slug = favourite.post.slug
    return {
        "remove": ("post", reverse("accounts:remove", args=[favourite.key]), {}),
        "restore": ("post", reverse("accounts:restore", args=[favourite.key]), {}),
        "note": ("post", reverse("accounts:note", args=[post_slug]), {"note": "Written later"}),
        "note-delete": ("post", reverse("accounts:note-delete", args=[favourite.key]), {}),
        "unsave": ("post", reverse("accounts:unsave", args=[post_slug]), {}),
        "save": ("post", reverse("accounts:save", args=[post_slug]), {}),
    }


@pytest.mark.parametrize(
    ("before", "write", "shown"),
    [
        (None, "remove", []),
        ("remove", "restore", ["First words"]),
        (None, "note", ["Written later"]),
        (None, "note-delete", []),
        (None, "unsave", []),
        ("unsave", "save", ["First words"]),
    ],
)
def test_each_write_shows_on_the_next_page_from_any_session(django_assert_num_queries, before, write, shown):
    """Written through one session (one worker), read through another: what links them is the cache's
    generation, which the write moves; nothing is kept in a process."""
    member = MemberFactory()
    favourite = services.favourite_add(user=member, post=PostFactory(tags=["Rest"]))
    services.note_set(favourite=favourite, note="First words")
    reader, writer = client_for(member), client_for(member)
    steps = writes(member, favourite)
    if before:
        writer.post(steps[before][1], steps[before][2])
    notes_on(reader)
    with django_assert_num_queries(0):  # kept, and so is the user (accounts.members)
        kept = notes_on(reader)
    response = writer.post(steps[write][1], steps[write][2])
    assert response.status_code == 302
    assert kept != shown
    assert notes_on(reader) == shown
    assert notes_on(reader, SAVED + "?tag=rest") == shown


def test_pages_and_tags_are_kept_apart(member):
    client = client_for(member)
    for n in range(22):
        post = PostFactory(tags=["Rest" if n % 2 else "Joy"], days_ago=n + 1)
        services.note_set(favourite=services.favourite_add(user=member, post=post), note=f"note {n}")
    for _ in range(2):  # drawn, then from the cache
        assert notes_on(client) == [f"note {n}" for n in range(21, 1, -1)]
        assert notes_on(client, SAVED + "?page=2") == ["note 1", "note 0"]
        assert notes_on(client, SAVED + "?tag=rest") == [f"note {n}" for n in range(21, 0, -2)]
        assert notes_on(client, SAVED + "?tag=joy&page=1") == [f"note {n}" for n in range(20, -1, -2)]
        assert client.get(SAVED + "?tag=joy&page=2").url == "/saved/?tag=joy"  # past the end: not kept
        assert client.get(SAVED + "?page=3").url == "/saved/"
    assert kept_page(member, number=3) is None


def test_a_tag_none_of_their_pieces_carries_is_not_kept(member, post):
    """Asking for every tag of the site leaves nothing in the cache (only tags their pieces carry)."""
    services.favourite_add(user=member, post=post)
    grief = PostFactory(tags=["Grief"]).tags.get()
    client = client_for(member)
    for _ in range(2):
        assert "None of your saved pieces is tagged Grief." in client.get(SAVED + "?tag=grief").content.decode()
    assert kept_page(member, tag=grief) is None
    client.get(SAVED + "?tag=rest")
    assert kept_page(member, tag=post.tags.get(slug="rest")).total == 1


def test_a_kept_page_follows_staff_drafting_and_deleting_a_piece(member, post):
    services.note_set(favourite=services.favourite_add(user=member, post=post), note="Kept words")
    client = client_for(member)
    client.get(SAVED)
    post.title, post.status = "Secret draft title", Post.Status.DRAFT
    post.save()
    html = client.get(SAVED).content.decode()
    assert "No longer published" in html and "Secret" not in html and "Kept words" in html
    post.delete()
    assert "No longer on the site" in client.get(SAVED).content.decode()


def test_a_kept_page_follows_a_piece_scheduled_again_reaching_its_time(member, post):
    services.favourite_add(user=member, post=post)
    client = client_for(member)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        post.published_at = timezone.now() + datetime.timedelta(hours=1)
        post.save()
        assert "No longer published" in client.get(SAVED).content.decode()
        assert "No longer published" in client.get(SAVED).content.decode()
        clock.shift(datetime.timedelta(hours=2))
        html = client.get(SAVED).content.decode()
    assert "No longer published" not in html
    assert f'href="{post.get_absolute_url()}"' in html
