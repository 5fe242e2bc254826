"""A reader's wish to save a piece, kept in their session while they log in or sign up.

Only the slug and the time go in the session; the post is looked up again (and must still be
public) when the wish is granted, and a wish older than an hour is dropped rather than granted
by surprise on some later login.
"""

import time

from blog.models import Post

SESSION_KEY = "accounts.pending_save"
MAX_AGE_SECONDS = 60 * 60


def remember(request, post: Post) -> None:
    """Note that the reader wants ``post`` saved once they are logged in."""
    request.session[SESSION_KEY] = {"slug": post.slug, "at": int(time.time())}


def take(request) -> Post | None:
    """The post the reader asked to save, if the wish is fresh and the post still public; forgets it."""
    return _post_wished(request.session.pop(SESSION_KEY, None))


def peek(request) -> Post | None:
    """The post the reader is about to save, without forgetting it (for "Log in to save …")."""
    session = getattr(request, "session", None)
    return _post_wished(session.get(SESSION_KEY)) if session is not None else None


def _post_wished(wish) -> Post | None:
    if not isinstance(wish, dict) or not isinstance(wish.get("slug"), str):
        return None
    if time.time() - wish.get("at", 0) > MAX_AGE_SECONDS:
        return None
    return Post.objects.published().only("pk", "title", "slug").filter(slug=wish["slug"]).first()
