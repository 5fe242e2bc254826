"""The write services for saved pieces: keyword-only, idempotent, scoped to one member."""

import datetime

import pytest
import time_machine
from django.utils import timezone

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
    assert services.favourite_remove(user=member, post=post) is True
    assert services.favourite_remove(user=member, post=post) is False
    assert list(Favourite.objects.saved().values_list("user__email", flat=True)) == ["bea@example.org"]


def test_favourite_remove_by_key_is_scoped_to_the_member(member, other_member):
    theirs = FavouriteFactory(user=other_member, post=None, post_title="gone")
    assert services.favourite_remove_key(user=member, key=theirs.key) is False
    assert services.favourite_restore(user=member, key=theirs.key) is False
    assert services.favourite_remove_key(user=other_member, key=theirs.key) is True
    assert not Favourite.objects.saved().exists()
    assert services.favourite_restore(user=member, key=theirs.key) is False
    assert services.favourite_restore(user=other_member, key=theirs.key) is True
    assert Favourite.objects.saved().get().pk == theirs.pk


def test_removing_keeps_the_note_and_saving_again_brings_it_back(member, post):
    favourite = FavouriteFactory(user=member, post=post, note="What it meant to me.")
    services.favourite_remove(user=member, post=post)
    favourite.refresh_from_db()
    assert favourite.is_removed
    assert favourite.note == "What it meant to me."
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30), tick=False):
        again = services.favourite_add(user=member, post=post)
        assert again.pk == favourite.pk
        assert not again.is_removed
        assert again.note == "What it meant to me."
        assert again.saved_at == timezone.now()  # saved anew: first on /saved/


def test_undo_restores_the_row_where_it_was_with_its_note(member, post):
    favourite = FavouriteFactory(user=member, post=post, note="Keep this.")
    services.favourite_remove_key(user=member, key=favourite.key)
    assert services.favourite_restore(user=member, key=favourite.key) is True
    restored = Favourite.objects.get(pk=favourite.pk)
    assert (restored.is_removed, restored.note, restored.saved_at) == (False, "Keep this.", favourite.saved_at)


def test_note_delete_is_the_way_a_note_goes(member, post):
    favourite = FavouriteFactory(user=member, post=post, note="Words.")
    services.note_delete(favourite=favourite)
    assert Favourite.objects.get(pk=favourite.pk).note == ""


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
