"""/saved/: the member's saved pieces with private notes; rows never vanish silently; no one else's."""

import datetime
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import saved_pieces, services
from accounts.models import Favourite
from accounts.services import NOTE_MAX_LENGTH, favourite_add
from accounts.tests.factories import FavouriteFactory, MemberFactory
from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

SAVED = "/saved/"
JSON = {"HTTP_ACCEPT": "application/json"}


def note_url(post):
    return reverse("accounts:note", args=[post.slug])


def titles_on(response) -> list[str]:
    html = response.content.decode()
    return [re.sub(r"<[^>]+>", "", title) for title in re.findall(r'class="saved-item-title"[^>]*>(.*?)</h2>', html)]


def test_login_required(client):
    response = client.get(SAVED)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_gentle_empty_state(member_client):
    response = member_client.get(SAVED)
    assert response.status_code == 200
    assert "Nothing saved yet" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_newest_saved_first_and_only_mine(member_client, member, other_member):
    first, second, third = (PostFactory(title=f"Piece {n}") for n in range(3))
    for post in (second, first, third):
        favourite_add(user=member, post=post)
    FavouriteFactory(user=other_member, post=PostFactory(title="Bea's piece"), note="Bea's secret")
    response = member_client.get(SAVED)
    assert titles_on(response) == ["Piece 2", "Piece 0", "Piece 1"]
    assert "Bea" not in response.content.decode()


def test_twenty_a_page(member_client, member):
    for n in range(25):
        favourite_add(user=member, post=PostFactory(days_ago=n + 1))
    first = member_client.get(SAVED)
    assert len(titles_on(first)) == 20
    assert "Page 1 of 2" in first.content.decode()  # the count comes with the rows (a window COUNT)
    assert len(titles_on(member_client.get(SAVED + "?page=2"))) == 5
    assert member_client.get(SAVED + "?page=abc").status_code == 404
    assert member_client.get(SAVED + "?page=0").status_code == 404
    # Past the end (the member just removed the last piece on that page): back to page 1.
    response = member_client.get(SAVED + "?page=3")
    assert response.status_code == 302
    assert response.url == SAVED


def test_filter_by_tag(member_client, member):
    rest = PostFactory(title="On rest", tags=["Rest"])
    joy = PostFactory(title="On joy", tags=["Joy"])
    favourite_add(user=member, post=rest)
    favourite_add(user=member, post=joy)
    response = member_client.get(SAVED + "?tag=rest")
    assert titles_on(response) == ["On rest"]
    html = member_client.get(SAVED).content.decode()
    assert 'href="/saved/?tag=rest"' in html
    assert 'href="/saved/?tag=joy"' in html


def test_filter_by_tag_with_nothing_saved_under_it(member_client, member):
    PostFactory(tags=["Grief"])
    favourite_add(user=member, post=PostFactory(tags=["Rest"]))
    response = member_client.get(SAVED + "?tag=grief")
    assert response.status_code == 200
    assert "None of your saved pieces is tagged" in response.content.decode()


@pytest.mark.parametrize("tag", ["no-such-tag", "<script>", "a" * 300, "../../etc", "%00"])
def test_bad_tag_is_404(member_client, tag):
    assert member_client.get(SAVED, {"tag": tag}).status_code == 404


def test_note_add_edit_clear_without_javascript(member_client, member, post):
    favourite_add(user=member, post=post)
    response = member_client.post(note_url(post), {"note": "  Read this on Sundays.\r\nSlowly.  ", "next": SAVED})
    assert response.status_code == 302
    assert response.url == SAVED
    favourite = Favourite.objects.get(user=member, post=post)
    assert favourite.note == "Read this on Sundays.\nSlowly."
    html = member_client.get(SAVED).content.decode()
    assert "Read this on Sundays.<br>Slowly." in html
    member_client.post(note_url(post), {"note": "Changed my mind."})
    favourite.refresh_from_db()
    assert favourite.note == "Changed my mind."
    # Emptying the box does not delete a note: that is an action of its own, which shows the words.
    response = member_client.post(note_url(post), {"note": ""})
    assert response.status_code == 400
    assert "To delete your note" in response.content.decode()
    favourite.refresh_from_db()
    assert favourite.note == "Changed my mind."


def test_note_with_javascript_answers_json(member_client, member, post):
    favourite_add(user=member, post=post)
    response = member_client.post(note_url(post), {"note": "quiet"}, **JSON)
    assert response.status_code == 200
    assert response.json() == {"note": "quiet", "saved": True}


def test_note_is_escaped_on_the_page(member_client, member, post):
    favourite_add(user=member, post=post)
    member_client.post(note_url(post), {"note": '<script>alert("x")</script>'})
    html = member_client.get(SAVED).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_note_of_2000_characters_fits_even_with_crlf_line_breaks(member_client, member, post):
    favourite_add(user=member, post=post)
    typed = ("a" * 99 + "\r\n") * 20  # 2,000 characters as typed, 2,020 as sent
    typed = typed.rstrip()
    response = member_client.post(note_url(post), {"note": typed})
    assert response.status_code == 302
    assert len(Favourite.objects.get(user=member).note) <= NOTE_MAX_LENGTH


def test_over_long_note_is_a_form_error_not_a_crash(member_client, member, post):
    favourite_add(user=member, post=post)
    response = member_client.post(note_url(post), {"note": "x" * 5000})
    assert response.status_code == 400
    assert "up to 2,000 characters" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()
    response = member_client.post(note_url(post), {"note": "x" * 2001}, **JSON)
    assert response.status_code == 400
    assert "2,000" in response.json()["errors"]["note"][0]
    assert Favourite.objects.get(user=member).note == ""


def test_note_needs_csrf(csrf_client, member, post):
    favourite_add(user=member, post=post)
    assert csrf_client.post(note_url(post), {"note": "x"}).status_code == 403
    assert Favourite.objects.get(user=member).note == ""


def test_note_get_shows_the_notes_page_and_changes_nothing(member_client, member, post):
    """Without JavaScript, "Add a note" on /saved/ is a link to this page: GET shows it, only POST writes."""
    services.note_set(favourite=favourite_add(user=member, post=post), note="What was <there>.")
    response = member_client.get(note_url(post) + "?note=x&next=/saved/%3Fpage%3D2%23saved-1")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<textarea [^>]*>\s*What was &lt;there&gt;.</textarea>", html)
    assert 'name="next" value="/saved/?page=2#saved-1"' in html
    assert Favourite.objects.get(user=member).note == "What was <there>."
    # A next that leaves the site is not followed.
    assert "evil.example" not in member_client.get(note_url(post) + "?next=https://evil.example/").content.decode()


def test_add_a_note_links_to_the_notes_page_and_back_to_the_row(member_client, member, post):
    """Back to the page the row is on (its tag and page number, spelled one way: the drawn rows are kept)."""
    favourite = favourite_add(user=member, post=post)
    for n in range(20):
        favourite_add(user=member, post=PostFactory(tags=["Rest"], days_ago=n + 1))
    Favourite.objects.filter(pk=favourite.pk).update(saved_at=timezone.now() - datetime.timedelta(days=1))
    html = member_client.get(SAVED, {"tag": "rest", "page": "2", "utm": "x"}).content.decode()
    link = re.search(r'<a class="note-open" href="([^"]+)"', html)[1].replace("&amp;", "&")
    assert link.startswith(note_url(post) + "?next=")
    response = member_client.post(link, {"note": "From the note's page."})
    assert response.status_code == 302
    assert response.url == f"{SAVED}?tag=rest&page=2#saved-{favourite.key}"
    assert Favourite.objects.get(pk=favourite.pk).note == "From the note's page."
    html = member_client.get(SAVED, {"page": "1"}).content.decode()
    back = re.search(r'<a class="note-open" href="[^"]+next=([^"]+)"', html)[1]
    assert back.startswith("%2Fsaved%2F%23saved-")  # page 1 is /saved/


def test_note_on_a_piece_not_saved_is_404(member_client, post):
    assert member_client.post(note_url(post), {"note": "x"}).status_code == 404
    assert not Favourite.objects.exists()


def test_a_member_cannot_see_edit_or_delete_another_members_notes(member_client, member, other_member, post):
    theirs = FavouriteFactory(user=other_member, post=post, note="Bea's private words")
    assert "Bea's private words" not in member_client.get(SAVED).content.decode()
    assert member_client.post(note_url(post), {"note": "overwritten"}).status_code == 404
    by_key = reverse("accounts:note-by-key", args=[theirs.key])
    assert member_client.post(by_key, {"note": "overwritten"}).status_code == 404
    assert member_client.post(reverse("accounts:remove", args=[theirs.key])).status_code == 404
    member_client.post(reverse("accounts:unsave", args=[post.slug]))
    theirs.refresh_from_db()
    assert theirs.note == "Bea's private words"


def test_urls_name_rows_by_slug_or_random_key_never_by_id(member_client, member, post):
    favourite = favourite_add(user=member, post=post)
    gone = FavouriteFactory(user=member, post=None, post_title="Removed piece")
    html = member_client.get(SAVED).content.decode()
    actions = re.findall(r'action="([^"]+)"', html)
    saved_actions = [action for action in actions if action.startswith(("/saved/", "/posts/"))]
    assert saved_actions
    for action in saved_actions:
        assert f"/{favourite.pk}/" not in action and f"/{gone.pk}/" not in action
    assert f"/saved/item/{gone.key}/remove/" in actions
    assert isinstance(gone.key, uuid.UUID)


def test_unpublished_piece_keeps_row_and_note_and_shows_no_longer_published(member_client, member, post):
    FavouriteFactory(user=member, post=post, note="This helped.")
    post.status = Post.Status.DRAFT
    post.save()
    response = member_client.get(SAVED)
    html = response.content.decode()
    assert "No longer published" in html
    assert "Letting the kettle boil" in html
    assert "This helped." in html
    assert f'href="{post.get_absolute_url()}"' not in html
    # The note stays editable; the row can be removed by its key.
    assert member_client.post(note_url(post), {"note": "Still true."}).status_code == 302
    assert Favourite.objects.get(user=member).note == "Still true."
    key = Favourite.objects.get(user=member).key
    assert member_client.post(reverse("accounts:remove", args=[key])).status_code == 302
    assert not Favourite.objects.saved().filter(user=member).exists()
    assert Favourite.objects.get(user=member).note == "Still true."


def test_scheduled_again_counts_as_no_longer_published(member_client, member, post):
    FavouriteFactory(user=member, post=post)
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() + datetime.timedelta(days=2))
    assert "No longer published" in member_client.get(SAVED).content.decode()


def test_republished_piece_gets_its_link_back(member_client, member, post):
    FavouriteFactory(user=member, post=post)
    post.status = Post.Status.DRAFT
    post.save()
    post.status = Post.Status.PUBLISHED
    post.save()
    html = member_client.get(SAVED).content.decode()
    assert f'href="{post.get_absolute_url()}"' in html
    assert "No longer published" not in html


def test_deleted_piece_keeps_note_and_title(member_client, member, other_member, post):
    FavouriteFactory(user=member, post=post, note="My words.", post_title="An old title")
    FavouriteFactory(user=other_member, post=post, note="Bea's words.")
    post.title = "A renamed title"
    post.save()
    post.delete()
    rows = Favourite.objects.filter(post__isnull=True)
    assert rows.count() == 2
    mine = rows.get(user=member)
    assert mine.note == "My words."
    assert mine.post_title == "A renamed title"
    html = member_client.get(SAVED).content.decode()
    assert "A renamed title" in html
    assert "My words." in html
    assert "No longer on the site" in html


def test_bulk_deleted_posts_keep_their_titles_too(member, post):
    FavouriteFactory(user=member, post=post, post_title="stale")
    Post.objects.filter(pk=post.pk).delete()
    assert Favourite.objects.get(user=member).post_title == "Letting the kettle boil"


def test_note_on_a_deleted_piece_by_its_key(member_client, member):
    gone = FavouriteFactory(user=member, post=None, post_title="Removed piece", note="old")
    url = reverse("accounts:note-by-key", args=[gone.key])
    assert member_client.post(url, {"note": "new"}, **JSON).json()["note"] == "new"
    gone.refresh_from_db()
    assert gone.note == "new"


def test_remove_needs_csrf_and_post(csrf_client, member):
    gone = FavouriteFactory(user=member, post=None, post_title="Removed piece")
    url = reverse("accounts:remove", args=[gone.key])
    assert csrf_client.post(url).status_code == 403
    assert csrf_client.get(url).status_code == 405
    assert Favourite.objects.filter(pk=gone.pk).exists()


def test_remove_with_javascript_answers_json(member_client, member):
    gone = FavouriteFactory(user=member, post=None, post_title="Removed piece")
    response = member_client.post(reverse("accounts:remove", args=[gone.key]), **JSON)
    assert response.json() == {"removed": True}
    assert not Favourite.objects.saved().filter(pk=gone.pk).exists()
    # A second press (a double click) changes nothing more.
    assert member_client.post(reverse("accounts:remove", args=[gone.key]), **JSON).json() == {"removed": True}
    assert Favourite.objects.get(pk=gone.pk).is_removed


def test_unknown_key_is_404(member_client):
    assert member_client.post(reverse("accounts:remove", args=[uuid.uuid4()])).status_code == 404
    # Not a UUID: no route of ours matches (the old-site catch-all only answers GET).
    assert member_client.post("/saved/item/123/remove/").status_code in (404, 405)


def test_note_forms_are_labelled_and_counted_never_cut(member_client, member, post):
    """No ``maxlength``: a browser would cut a pasted note without a word. A counter shows the limit.

    /saved/ draws the editor once, as a <template> saved.js copies into a row (ids filled in there);
    the note's own page draws it labelled, and saved.js adds the counter.
    """
    favourite = favourite_add(user=member, post=post)
    services.note_set(favourite=favourite, note="Twelve chars")
    html = member_client.get(SAVED).content.decode()
    editor = re.search(r'<template id="note-editor-template">(.*?)</template>', html, flags=re.S)[1]
    assert "<label>Your private note</label>" in editor
    assert "maxlength" not in re.search(r"<textarea [^>]*>", editor)[0]
    assert f'data-max-length="{NOTE_MAX_LENGTH}"' in editor
    counter = re.search(r'<p class="note-count">(.*?)</p>', editor)[1]
    assert re.sub(r"<[^>]+>", "", counter) == f"0 of {NOTE_MAX_LENGTH} characters"
    assert html.count("<textarea") == 1  # one editor a page, not one a row
    page = member_client.get(note_url(post)).content.decode()
    textarea = re.search(r"<textarea [^>]*>", page)[0]
    textarea_id = re.search(r'id="([^"]+)"', textarea)[1]
    assert f'<label for="{textarea_id}">' in page
    assert "maxlength" not in textarea
    assert f'data-max-length="{NOTE_MAX_LENGTH}"' in textarea


@pytest.mark.parametrize("saved", [5, pytest.param(50, marks=pytest.mark.slow)])
def test_saved_page_query_count_does_not_grow_with_saved_pieces(django_assert_num_queries, saved):
    """/saved/ costs the same whether a member has 5 or 50 saved pieces (20 a page).

    The user, the tags for the filter, and one page of rows joined to their posts with the total for
    the pagination (a window COUNT) and each post's tag ids (the tags themselves are the filter's);
    the session comes from the cache. No query per row, whether the post is public, unpublished or deleted.
    Once drawn, the page is kept: the next request asks only for the user.
    """
    member = MemberFactory()
    posts = [PostFactory(tags=["Rest"], days_ago=n + 1) for n in range(saved)]
    for post in posts:
        FavouriteFactory(user=member, post=post, note="a note")
    Post.objects.filter(pk=posts[0].pk).update(status=Post.Status.DRAFT)
    posts[1].delete()
    client = Client()
    client.force_login(member)
    with django_assert_num_queries(3):
        response = client.get(SAVED)
    assert response.status_code == 200
    assert len(titles_on(response)) == min(saved, 20)
    with django_assert_num_queries(0):  # the user (accounts.members), the page's filter and rows: from the cache
        again = client.get(SAVED)
    assert titles_on(again) == titles_on(response)


def test_saved_post_ids_are_the_members_saved_posts(member, other_member):
    posts = [PostFactory() for _ in range(6)]
    for post in posts[:3]:
        services.favourite_add(user=member, post=post)
    services.favourite_add(user=other_member, post=posts[4])
    services.favourite_remove(user=member, post=posts[2])
    FavouriteFactory(user=member, post=None, post_title="gone")
    assert saved_pieces.saved_post_ids(user=member) == {posts[0].pk, posts[1].pk}


def test_saved_post_ids_for_anonymous_is_empty_without_a_query(django_assert_num_queries, post):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert saved_pieces.saved_post_ids(user=AnonymousUser()) == set()


def test_a_rows_post_part_is_shared_and_follows_an_edit(member_client, member, other_member, post):
    """The excerpt and tags of a row are kept for every member under the content version, so an edit
    shows at once; a member's note never goes into that shared part."""
    services.note_set(favourite=favourite_add(user=member, post=post), note="Only mine.")
    favourite_add(user=other_member, post=post)
    assert "Only mine." in member_client.get(SAVED).content.decode()
    other = Client()
    other.force_login(other_member)
    assert "Only mine." not in other.get(SAVED).content.decode()
    post.excerpt = "A new first line."
    post.save()
    post.tags.add("Evening")
    html = member_client.get(SAVED).content.decode()
    assert "A new first line." in html
    assert re.search(r'<a class="tag" href="/tags/evening/">Evening</a>', html)
