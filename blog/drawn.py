"""HTML drawn once per process for each case it is drawn from.

A case is a hashable key holding everything the drawing shows (and the script prefix, if it links), so
what is kept under it never goes stale; a change is a new case. At most ``size`` cases are kept, the oldest
out first. Used for search hits' card parts and pages of hits (blog.cards) and, by features, for parts of a
page drawn the same for many members.
"""

import threading


class Drawn:
    """``get(case, draw)``: ``draw()``'s value for ``case``, drawn once while this process keeps it."""

    def __init__(self, size: int):
        self.size = size
        self._values: dict = {}
        self._lock = threading.Lock()

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
        with self._lock:  # threads may share the process: one of them evicts at a time
            while len(self._values) >= self.size:
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
