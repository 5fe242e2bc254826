"""The member behind a request, kept in the cache between their requests instead of read each time.

Django reads the user's row on every request of a logged-in member; on PostgreSQL that is a round trip
on every page. Here the row (without its password hash) is kept with the session auth hash it had, and
a request whose session carries exactly that hash gets the kept member without a query. Anything else
(no kept row, another hash, a session from before a password change, a staff account) goes through
Django's own ``get_user``, which verifies the session, rotates it after a change of secret key or
flushes it.

What keeps it true:

- Every save or delete of a user row moves the member's generation, at once and again on commit (so a
  request that read the row just before the commit cannot keep it): a changed password, a deactivated
  or deleted account, a new email take effect on the member's next request, in every process.
- The key holds the content version too (a restored backup moves it), a stamp of the secret key (a new
  key logs everyone out, as Django does), and the kept row lasts ten minutes at most.
- Staff and superusers are never kept: their flags open the admin, and they are few.
- The password hash is never in the cache: the kept member's ``password`` is deferred, so a ``save()``
  writes only the fields it holds and reading it runs a query.
"""

import hashlib
import uuid
from functools import lru_cache

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.crypto import constant_time_compare

from blog.caching import PAGE_TIMEOUT, versioned_key

MEMBER_TIMEOUT = 60 * 10
# Never kept: the one field that lets anyone read it test passwords offline.
_NOT_KEPT = frozenset({"password"})


@lru_cache(maxsize=4)
def _secret_stamp(secret_key: str) -> str:
    return hashlib.sha256(f"kept-member:{secret_key}".encode()).hexdigest()[:16]


def _generation_key(user_id) -> str:
    return f"member-generation:{user_id}"


def _generation(user_id) -> str | None:
    key = _generation_key(user_id)
    generation = cache.get(key)
    if generation is None:
        # add, not set: a move that lands meanwhile wins over this first one.
        cache.add(key, uuid.uuid4().hex, PAGE_TIMEOUT)
        generation = cache.get(key)
    return generation


def member_changed(*, user_id) -> None:
    """The member's row changed (or is gone): their next request reads it again."""

    def move():
        cache.set(_generation_key(user_id), uuid.uuid4().hex, PAGE_TIMEOUT)

    move()
    transaction.on_commit(move)


def forget_member(sender, instance, **kwargs) -> None:
    """Receiver of the user model's post_save and post_delete (however the row was written)."""
    member_changed(user_id=instance.pk)


def _kept_fields(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields if field.attname not in _NOT_KEPT)


def _key(user_id, generation) -> str:
    return versioned_key("member", user_id, generation, _secret_stamp(settings.SECRET_KEY))


def request_user(request):
    """The request's user: the kept member when their session verifies against it, else Django's ``get_user``."""
    session = request.session
    model = get_user_model()
    try:
        user_id = model._meta.pk.to_python(session[SESSION_KEY])
        backend = session[BACKEND_SESSION_KEY]
    except (KeyError, ValueError):
        return auth.get_user(request)
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or backend not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    generation = _generation(user_id)
    if generation is None:  # the cache keeps nothing (or lost it at once): no shortcut
        return auth.get_user(request)
    key = _key(user_id, generation)
    kept = cache.get(key)
    fields = _kept_fields(model)
    if kept is not None:
        kept_backend, kept_hash, kept_fields, values = kept
        # The same fields in the same order (a migration may add one): else the values would be misread.
        if kept_backend == backend and kept_fields == fields and constant_time_compare(session_hash, kept_hash):
            return model.from_db(DEFAULT_DB_ALIAS, fields, values)
    user = auth.get_user(request)
    # Kept only once Django has verified the session (and rotated its hash after a change of key).
    if (
        user.is_authenticated
        and user.pk == user_id
        and user.is_active
        and not (user.is_staff or user.is_superuser)
        and session.get(HASH_SESSION_KEY) == user.get_session_auth_hash()
    ):
        values = [getattr(user, name) for name in fields]
        cache.set(key, (backend, user.get_session_auth_hash(), fields, values), MEMBER_TIMEOUT)
    return user
