"""Writes on a member's saved pieces and account: keyword-only, idempotent, safe under concurrency.

Every function takes the member explicitly and only ever touches that member's rows, so a view
cannot reach another member's data by passing the wrong object: ownership is part of each query.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import NOTE_MAX_LENGTH, Favourite
from accounts.saved_pieces import saved_ids_changed


def favourite_add(*, user, post) -> Favourite:
    """Save ``post`` for ``user``; saving twice leaves one row as it was.

    A piece the member removed earlier comes back with its note, saved anew (``saved_at`` is now).
    """
    try:
        with transaction.atomic():
            favourite, _ = Favourite.objects.get_or_create(user=user, post=post, defaults={"post_title": post.title})
    except IntegrityError:
        # Another request saved it between our read and our insert: same end state.
        favourite = Favourite.objects.get(user=user, post=post)
    if favourite.is_removed or favourite.post_title != post.title:
        # ``post`` is public here (only public posts can be saved): its title is the last public one.
        if favourite.is_removed:
            favourite.removed_at, favourite.saved_at = None, timezone.now()
        favourite.post_title = post.title
        favourite.save(update_fields=["removed_at", "saved_at", "post_title"])
    saved_ids_changed(user_id=user.pk)
    return favourite


def favourite_remove(*, user, post) -> bool:
    """Remove ``post`` from ``user``'s saved pieces, keeping the row and its note; False if it was not saved."""
    removed = bool(Favourite.objects.saved().filter(user=user, post=post).update(removed_at=timezone.now()))
    saved_ids_changed(user_id=user.pk)
    return removed


def favourite_remove_key(*, user, key) -> bool:
    """Remove the member's row named ``key`` (also for unpublished and deleted posts), keeping its note."""
    removed = bool(Favourite.objects.saved().filter(user=user, key=key).update(removed_at=timezone.now()))
    saved_ids_changed(user_id=user.pk)
    return removed


def favourite_restore(*, user, key) -> bool:
    """Undo a removal: the row comes back where it was, with its note; False if it was not removed."""
    restored = bool(Favourite.objects.filter(user=user, key=key, removed_at__isnull=False).update(removed_at=None))
    saved_ids_changed(user_id=user.pk)
    return restored


def note_delete(*, favourite: Favourite) -> None:
    """Delete the member's note on ``favourite``: the only way a note goes, short of deleting the account."""
    favourite.note = ""
    favourite.save(update_fields=["note"])
    saved_ids_changed(user_id=favourite.user_id)


def normalise_note(note: str) -> str:
    """A note as the member typed it: browsers send a line break as CRLF but count it as one character."""
    return note.replace("\r\n", "\n").replace("\r", "\n").strip()


def note_set(*, favourite: Favourite, note: str) -> Favourite:
    """Replace the private note on the member's ``favourite``; an empty ``note`` clears it.

    Line endings are normalised first, so the 2,000-character limit counts what a person typed.
    """
    note = normalise_note(note)
    if len(note) > NOTE_MAX_LENGTH:
        raise ValueError(f"A note holds at most {NOTE_MAX_LENGTH} characters.")
    favourite.note = note
    fields = ["note"]
    if favourite.is_public:
        # Keep the snapshot of the last public title fresh, for when the post is unpublished or deleted.
        favourite.post_title = favourite.post.title
        fields.append("post_title")
    favourite.save(update_fields=fields)
    saved_ids_changed(user_id=favourite.user_id)
    return favourite


def snapshot_titles(*, post) -> int:
    """Copy ``post``'s title onto every row that saved it, while it is public (a draft's title stays private)."""
    if not post.is_public:
        return 0
    return Favourite.objects.filter(post=post).exclude(post_title=post.title).update(post_title=post.title)


def refresh_public_titles(*, user, favourites) -> int:
    """Bring the member's snapshots of public titles up to date (staff renamed a piece while public).

    ``favourites`` are rows just read with their posts; only the stale ones are written, so a page
    that shows nothing renamed writes nothing.
    """
    stale: dict[str, list[int]] = {}
    for favourite in favourites:
        if favourite.is_public and favourite.post_title != favourite.post.title:
            stale.setdefault(favourite.post.title, []).append(favourite.pk)
            favourite.post_title = favourite.post.title
    return sum(Favourite.objects.filter(user=user, pk__in=pks).update(post_title=title) for title, pks in stale.items())


def account_delete(*, user, before=None) -> dict[str, int]:
    """Delete the member's account with their saved pieces, notes and email addresses; posts stay.

    ``before`` (other apps' part, as the member chose) runs first, in the same transaction.
    Returns how many rows of each kind went, for the log and the tests.
    """
    with transaction.atomic():
        if before is not None:
            before()
        user_id = user.pk
        _, counts = user.delete()
    saved_ids_changed(user_id=user_id)
    return counts
