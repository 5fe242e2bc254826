"""Writes on a member's saved pieces and account: keyword-only, idempotent, safe under concurrency.

Every function takes the member explicitly and only ever touches that member's rows, so a view
cannot reach another member's data by passing the wrong object: ownership is part of each query.
"""

from django.db import IntegrityError, transaction

from accounts.models import NOTE_MAX_LENGTH, Favourite


def favourite_add(*, user, post) -> Favourite:
    """Save ``post`` for ``user``; saving twice leaves one row (and its note) as it was."""
    try:
        with transaction.atomic():
            favourite, _ = Favourite.objects.get_or_create(user=user, post=post, defaults={"post_title": post.title})
    except IntegrityError:
        # Another request saved it between our read and our insert: same end state.
        favourite = Favourite.objects.get(user=user, post=post)
    return favourite


def favourite_remove(*, user, post) -> None:
    """Remove ``post`` from ``user``'s saved pieces; removing an unsaved piece does nothing."""
    Favourite.objects.filter(user=user, post=post).delete()


def favourite_forget(*, user, key) -> bool:
    """Remove the member's row named ``key`` (also for deleted posts); False when there was none."""
    deleted, _ = Favourite.objects.filter(user=user, key=key).delete()
    return bool(deleted)


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
    if favourite.post_id:
        # Keep the snapshot fresh while the post exists, so it is current if the post is ever deleted.
        favourite.post_title = favourite.post.title
        fields.append("post_title")
    favourite.save(update_fields=fields)
    return favourite


def snapshot_titles(*, post) -> int:
    """Copy ``post``'s title onto every row that saved it (called just before the post is deleted)."""
    return Favourite.objects.filter(post=post).exclude(post_title=post.title).update(post_title=post.title)


def account_delete(*, user, before=None) -> dict[str, int]:
    """Delete the member's account with their saved pieces, notes and email addresses; posts stay.

    ``before`` (other apps' part, as the member chose) runs first, in the same transaction.
    Returns how many rows of each kind went, for the log and the tests.
    """
    with transaction.atomic():
        if before is not None:
            before()
        _, counts = user.delete()
    return counts
