"""A note's size: at the limit it is kept whole; past it, a form error and nothing changes (never cut)."""

import pytest

from accounts import services
from accounts.models import Favourite

# The root conftest's logged-in member has saved ``post``.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("saved_post")]

NOTE_LIMIT = services.NOTE_MAX_LENGTH


def test_a_note_at_the_limit_is_kept(member_client, member, post):
    note = "n" * NOTE_LIMIT
    response = member_client.post(f"/saved/{post.slug}/note/", {"note": note}, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert Favourite.objects.get(user=member).note == note


@pytest.mark.parametrize("length", [NOTE_LIMIT + 1, 100_000])
def test_an_over_long_note_is_a_form_error_and_changes_nothing(member_client, member, post, length):
    services.note_set(favourite=Favourite.objects.get(user=member), note="what was there")
    response = member_client.post(f"/saved/{post.slug}/note/", {"note": "n" * length})
    assert response.status_code == 400
    assert b'class="errorlist"' in response.content
    assert b"up to 2,000 characters" in response.content
    response = member_client.post(
        f"/saved/{post.slug}/note/", {"note": "n" * length}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["note"]
    assert Favourite.objects.get(user=member).note == "what was there"


def test_the_note_form_says_its_limit_in_the_page_and_never_cuts(member_client):
    page = member_client.get("/saved/").content.decode()
    assert f"of {NOTE_LIMIT} characters" in page
    assert f'data-max-length="{NOTE_LIMIT}"' in page
