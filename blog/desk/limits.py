"""A small per-person rate limit for the desk's endpoints, counted in the shared cache."""

import time

from django.core.cache import cache


def allow(*, user, action: str, limit: int, per: int = 60) -> bool:
    """Whether ``user`` may ``action`` once more in this ``per``-second window (at most ``limit`` times)."""
    key = f"desk-limit:{action}:{user.pk}:{int(time.time() // per)}"
    cache.add(key, 0, per + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: count this one as the first
        cache.set(key, 1, per + 5)
        count = 1
    return count <= limit
