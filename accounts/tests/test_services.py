"""The write services for saved pieces: keyword-only, idempotent, scoped to one member."""

import pytest

from accounts import services
from accounts.models import Favourite
from accounts.tests.factories import FavouriteFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_services_are_keyword_only(member, post):
    with pytest.raises(TypeError):
        services.favourite_add(member, post)  # type: ignore[misc]


def test_favourite_add_is_idempotent_and_snapshots_the_title(member, post):
    first = services.favourite_add(user=member, post=post)
    second = services.favourite_add(user=member, post=post)
    assert first.pk == second.pk
    assert Favourite.objects.get().post_title == "Letting the kettle boil"


def test_favourite_add_survives_a_race_for_the_same_row(member, post, monkeypatch):
    """Two requests both see "not saved" and insert: the loser reads the winner's row."""
    winner = FavouriteFactory(user=member, post=post)
    real_get_or_create = Favourite.objects.get_or_create

    def racing_get_or_create(**kwargs):
        # Pretend the read happened before the other request's insert: insert anyway.
        return Favourite.objects.create(user=kwargs["user"], post=kwargs["post"], post_title="x"), True

    monkeypatch.setattr(Favourite.objects, "get_or_create", racing_get_or_create)
    assert services.favourite_add(user=member, post=post).pk == winner.pk
    monkeypatch.setattr(Favourite.objects, "get_or_create", real_get_or_create)
    assert Favourite.objects.count() == 1


def test_favourite_remove_only_touches_that_member(member, other_member, post):
    FavouriteFactory(user=member, post=post)
    FavouriteFactory(user=other_member, post=post)
    services.favourite_remove(user=member, post=post)
    services.favourite_remove(user=member, post=post)
    assert list(Favourite.objects.values_list("user__email", flat=True)) == ["bea@example.org"]


def test_favourite_forget_by_key_is_scoped_to_the_member(member, other_member):
    theirs = FavouriteFactory(user=other_member, post=None, post_title="gone")
    assert services.favourite_forget(user=member, key=theirs.key) is False
    assert services.favourite_forget(user=other_member, key=theirs.key) is True
    assert not Favourite.objects.exists()


def test_note_set_normalises_and_refuses_more_than_the_limit(member, post):
    favourite = FavouriteFactory(user=member, post=post, post_title="old title")
    services.note_set(favourite=favourite, note="  one\r\ntwo\rthree  ")
    favourite.refresh_from_db()
    assert favourite.note == "one\ntwo\nthree"
    assert favourite.post_title == "Letting the kettle boil"
    with pytest.raises(ValueError):
        services.note_set(favourite=favourite, note="x" * (services.NOTE_MAX_LENGTH + 1))


def test_account_delete_removes_the_member_and_their_rows_only(member, other_member, post):
    FavouriteFactory(user=member, post=post)
    FavouriteFactory(user=other_member, post=post)
    counts = services.account_delete(user=member)
    assert counts["accounts.Favourite"] == 1
    assert counts["accounts.User"] == 1
    assert Favourite.objects.get().user == other_member
    assert MemberFactory._meta.model.objects.count() == 1
