"""Drawn pages of threads, kept in the shared cache and, the most recent of them, in this process too.

A page of fifty threads is some 120 KB of HTML; the file cache compresses what it keeps, and inflating
it again on every request cost about a tenth of a member's post page. Every key here holds the content
version (and for a member's own page their id and the stamp of their state), so what is kept under a key
never changes: a copy in memory can only grow too old with time, and each entry says until when it holds.
The copies are bounded by their total length, least recently used first out.
"""

import threading
import time
from collections import OrderedDict

from django.core.cache import cache

# About 16 pages of 200 responses; a worker's memory stays well inside its budget.
MEMORY_CHARACTERS = 2_000_000

_recent: OrderedDict = OrderedDict()  # key -> (until, length, page)
_length = 0
_lock = threading.Lock()


def get(key: str):
    """The page kept under ``key`` (None when there is none, or its time is over)."""
    now = time.time()
    with _lock:
        found = _recent.get(key)
        if found is not None and now < found[0]:
            _recent.move_to_end(key)
            return found[2]
    stored = cache.get(key)
    if stored is None or now >= stored[0]:
        return None
    _remember(key, *stored)
    return stored[1]


def put(key: str, page, *, seconds: int) -> None:
    """Keep ``page`` (anything with an ``html``) under ``key`` for ``seconds``, here and in the shared cache."""
    until = time.time() + seconds
    cache.set(key, (until, page), seconds)
    _remember(key, until, page)


def forget() -> None:
    """Empty this process's copies, as a freshly started worker has them: the shared cache still holds every
    page, so nothing is lost. For a long-lived process that wants the memory back at once, and for tests that
    play the part of another worker."""
    global _length
    with _lock:
        _recent.clear()
        _length = 0


def _remember(key: str, until: float, page) -> None:
    global _length
    length = len(page.html)
    if length > MEMORY_CHARACTERS // 4:
        return  # a page this long is read from the shared cache each time
    with _lock:
        if key in _recent:
            _length -= _recent.pop(key)[1]
        _recent[key] = (until, length, page)
        _length += length
        while _length > MEMORY_CHARACTERS:
            _length -= _recent.popitem(last=False)[1][1]
