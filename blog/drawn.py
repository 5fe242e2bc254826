"""HTML drawn once per process for each case it is drawn from.

A case is a hashable key holding everything the drawing shows (and the script prefix, if it links), so
what is kept under it never goes stale; a change is a new case. At most ``size`` cases are kept, the oldest
out first. Used for search hits' card parts and pages of hits (blog.cards) and, by features, for parts of a
page drawn the same for many members.
"""

import threading
import weakref
from collections.abc import Callable

# Every store made in this process, so that :func:`forget_all` can empty them together.
_stores: weakref.WeakSet = weakref.WeakSet()


def forget_all() -> None:
    """Empty every store this process keeps, as a freshly started worker has them (the shared cache and the
    database are untouched, so nothing is lost: each case is drawn again when next asked for).

    For a long-lived process that wants the memory back at once rather than as cases age out (a shell, a
    management command that drew many pages), and for tests that play the part of another worker.
    """
    for store in list(_stores):
        store.clear()


class Drawn:
    """``get(case, draw)``: ``draw()``'s value for ``case``, drawn once while this process keeps it.

    ``size``: how many cases are kept, or a function giving it (read when a case is kept, so that a bound
    from the settings follows them).
    """

    def __init__(self, size: int | Callable[[], int]):
        self.size = size
        self._values: dict = {}
        self._lock = threading.Lock()
        _stores.add(self)

    def get(self, case, draw):
        value = self._values.get(case)
        if value is None:
            value = draw()
            self.keep(case, value)
        return value

    def find(self, case):
        """What is kept for ``case``, or None (nothing is drawn)."""
        return self._values.get(case)

    def keep(self, case, value) -> None:
        """Keep ``value`` for ``case`` (drawn by the caller), the oldest case out first when full."""
        size = self.size() if callable(self.size) else self.size
        with self._lock:  # threads may share the process: one of them evicts at a time
            while self._values and len(self._values) >= size:
                del self._values[next(iter(self._values))]
            self._values[case] = value

    def cases(self) -> list:
        return list(self._values)

    def values(self) -> list:
        return list(self._values.values())

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
