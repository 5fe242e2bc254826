"""Nothing a member wrote is lost by a click: removing keeps the note, Undo and saving again bring it
back, and only "Delete this note" (which shows the words first) deletes it. And a piece staff moved
back to draft shows nothing of the draft: its last public title, no link, no tags, no excerpt."""

import json
import re

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Favourite
from accounts.tests.factories import FavouriteFactory
from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

SAVED = "/saved/"
JSON = {"HTTP_ACCEPT": "application/json"}


def remove_url(favourite):
    return reverse("accounts:remove", args=[favourite.key])


def restore_url(favourite):
    return reverse("accounts:restore", args=[favourite.key])


def test_remove_then_undo_brings_the_piece_back_with_its_note(member_client, member, post):
    favourite = FavouriteFactory(user=member, post=post, note="Read it slowly.")
    response = member_client.post(remove_url(favourite))
    assert response.status_code == 302
    # Without JavaScript the member lands on /saved/ with the removed piece's Undo.
    page = member_client.get(response.url).content.decode()
    assert "Removed “Letting the kettle boil”; your note is kept" in page
    assert f'action="{restore_url(favourite)}"' in page
    assert 'class="saved-item"' not in page  # it is no longer among the saved pieces
    response = member_client.post(restore_url(favourite))
    assert response.status_code == 302
    page = member_client.get(SAVED).content.decode()
    assert "Read it slowly." in page
    assert f'id="saved-{favourite.key}"' in page


def test_remove_and_undo_with_javascript(member_client, member, post):
    favourite = FavouriteFactory(user=member, post=post, note="Mine.")
    assert member_client.post(remove_url(favourite), **JSON).json() == {"removed": True}
    assert member_client.post(restore_url(favourite), **JSON).json() == {"restored": True}
    assert Favourite.objects.saved().get(user=member).note == "Mine."


def test_every_row_of_saved_is_removed_the_same_way(member_client, member, post):
    """Published, unpublished or deleted: one Remove button by key, and no Save toggle on /saved/."""
    keys = [
        FavouriteFactory(user=member, post=post).key,
        FavouriteFactory(user=member, post=PostFactory(status=Post.Status.DRAFT)).key,
        FavouriteFactory(user=member, post=None, post_title="Gone").key,
    ]
    html = member_client.get(SAVED).content.decode()
    assert "save-form" not in html
    assert html.count('form="saved-actions"') == 3
    for key in keys:
        assert f'formaction="/saved/item/{key}/remove/"' in html


def test_unsave_from_a_post_page_then_save_again_brings_the_note_back(member_client, member, post):
    FavouriteFactory(user=member, post=post, note="Before.")
    member_client.post(reverse("accounts:unsave", args=[post.slug]))
    assert "Before." not in member_client.get(SAVED).content.decode()
    member_client.post(reverse("accounts:save", args=[post.slug]))
    assert "Before." in member_client.get(SAVED).content.decode()


def test_an_undo_for_someone_elses_row_is_404(member_client, other_member, post):
    theirs = FavouriteFactory(user=other_member, post=post, note="Bea's.")
    services.favourite_remove(user=other_member, post=post)
    assert member_client.post(restore_url(theirs)).status_code == 404
    assert member_client.get(reverse("accounts:note-delete", args=[theirs.key])).status_code == 404
    assert member_client.get(SAVED, {"removed": str(theirs.key)}).content.decode().count("Bea") == 0


def test_restore_needs_csrf_and_post(csrf_client, member, post):
    favourite = FavouriteFactory(user=member, post=post, removed_at="2026-01-01T00:00:00Z")
    assert csrf_client.post(restore_url(favourite)).status_code == 403
    assert csrf_client.get(restore_url(favourite)).status_code == 405
    assert Favourite.objects.get(pk=favourite.pk).is_removed


def test_a_bad_removed_parameter_is_ignored(member_client):
    assert member_client.get(SAVED, {"removed": "not-a-key"}).status_code == 200


def test_deleting_a_note_shows_its_words_first_then_deletes_only_on_post(member_client, member, post):
    favourite = FavouriteFactory(user=member, post=post, note="These exact words.")
    url = reverse("accounts:note-delete", args=[favourite.key])
    # The row names it for the editor saved.js copies in; the note's own page (no JavaScript) links it.
    assert f'data-note-delete-url="{url}"' in member_client.get(SAVED).content.decode()
    assert f'href="{url}"' in member_client.get(reverse("accounts:note", args=[post.slug])).content.decode()
    page = member_client.get(url)
    assert page.status_code == 200
    assert "These exact words." in page.content.decode()
    assert Favourite.objects.get(pk=favourite.pk).note == "These exact words."
    assert member_client.post(url).status_code == 302
    assert Favourite.objects.get(pk=favourite.pk).note == ""
    assert Favourite.objects.saved().filter(pk=favourite.pk).exists()  # the piece stays saved


def test_an_empty_note_shows_one_invitation(member_client, member, post):
    FavouriteFactory(user=member, post=post)
    html = member_client.get(SAVED).content.decode()
    assert "No note yet" not in html
    assert re.findall(r'<span class="note-summary">([^<]*)</span>', html) == ["Add a note"]


def test_account_deletion_names_and_deletes_kept_notes(member_client, member, post):
    favourite = FavouriteFactory(user=member, post=post, note="Kept.")
    services.favourite_remove(user=member, post=post)
    html = member_client.get(reverse("accounts:delete")).content.decode()
    assert "including 1 note kept on piece you removed" in html
    member_client.post(reverse("accounts:delete"), {"password": "a calm and long passphrase"})
    assert not Favourite.objects.filter(pk=favourite.pk).exists()


def test_export_includes_removed_pieces_with_their_notes(member_client, member, post):
    FavouriteFactory(user=member, post=post, note="Still mine.")
    services.favourite_remove(user=member, post=post)
    (piece,) = json.loads(member_client.get(reverse("accounts:export")).content)["saved_pieces"]
    assert piece["note"] == "Still mine."
    assert piece["removed_at"] is not None


def test_saved_rows_show_excerpt_and_tags(member_client, member):
    post = PostFactory(title="On tea", excerpt="A cup, held in both hands.", tags=["tea", "Rest"])
    FavouriteFactory(user=member, post=post)
    html = member_client.get(SAVED).content.decode()
    item = re.search(r'<article class="saved-item".*?</article>', html, flags=re.S)[0]
    assert "A cup, held in both hands." in item
    # Sorted as a reader reads them, whatever their case.
    assert re.findall(r'<a class="tag" href="/tags/[^"]+/">([^<]+)</a>', item) == ["Rest", "tea"]


# --- Issue 12, point 9: nothing of a draft ----------------------------------------------------------


@pytest.fixture
def drafted(member, post):
    """A piece the member saved with a note, that staff then moved back to draft, renamed and retagged."""
    favourite = services.favourite_add(user=member, post=post)
    services.note_set(favourite=favourite, note="My note.")
    post.status = Post.Status.DRAFT
    post.title = "Secret draft title"
    post.slug = "secret-draft-slug"
    post.excerpt = "Secret draft excerpt."
    post.save()
    post.tags.set(["Secretdrafttag"])
    return post


def test_a_drafted_piece_shows_its_last_public_title_and_nothing_of_the_draft(member_client, drafted):
    html = member_client.get(SAVED).content.decode()
    assert "Letting the kettle boil" in html
    assert "My note." in html
    assert "secret" not in html.casefold()
    assert "No longer published" in html


def test_messages_about_a_drafted_piece_use_its_last_public_title(member_client, member, drafted):
    favourite = Favourite.objects.get(user=member)
    member_client.post(reverse("accounts:note-by-key", args=[favourite.key]), {"note": "Edited."})
    member_client.post(remove_url(favourite))
    response = member_client.post(restore_url(favourite), follow=True)
    html = response.content.decode()
    assert "“Letting the kettle boil” is back in your saved pieces." in html
    assert "Secret" not in html


def test_the_export_shows_nothing_of_the_draft(member_client, drafted):
    body = member_client.get(reverse("accounts:export")).content.decode()
    (piece,) = json.loads(body)["saved_pieces"]
    assert (piece["title"], piece["url"], piece["status"]) == ("Letting the kettle boil", None, "unpublished")
    assert "secret" not in body.casefold()


def test_a_drafted_then_deleted_piece_keeps_its_last_public_title(member_client, member, drafted):
    drafted.delete()
    assert Favourite.objects.get(user=member).title == "Letting the kettle boil"


def test_a_public_rename_is_what_saved_shows(member_client, member, post):
    services.favourite_add(user=member, post=post)
    Post.objects.filter(pk=post.pk).update(title="A kinder title")
    assert "A kinder title" in member_client.get(SAVED).content.decode()
    post.refresh_from_db()
    post.status = Post.Status.DRAFT
    post.title = "Draft again"
    post.save()
    html = member_client.get(SAVED).content.decode()
    assert "A kinder title" in html
    assert "Draft again" not in html
