"""Writes on a member's saved pieces: keyword-only, idempotent, safe under concurrency."""

from django.db import IntegrityError, transaction

from accounts.models import Favourite


def favourite_add(*, user, post) -> Favourite:
    """Save ``post`` for ``user``; saving twice leaves one row."""
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


def saved_post_ids(*, user, post_ids) -> set[int]:
    """Which of ``post_ids`` the member has saved: one query whatever the list's length."""
    if not user.is_authenticated or not post_ids:
        return set()
    return set(Favourite.objects.filter(user=user, post_id__in=post_ids).values_list("post_id", flat=True))
