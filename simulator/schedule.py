"""Due work ordered by due time: a sweep costs what is due, not what is open."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class DueQueue(Generic[K]):
    """At most one due time per key, popped in due order. Not thread-safe: the backend's lock.

    A heap with lazy deletion: moving or dropping a key's due time leaves its old heap entry
    behind, recognised as stale when it surfaces (its time is no longer the key's). Stale
    entries are bounded: the heap is rebuilt when they outnumber the live ones.
    """

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, K]] = []
        self._due: dict[K, float] = {}
        self._order = itertools.count()  # ties keep insertion order; keys are never compared

    def __len__(self) -> int:
        return len(self._due)

    def due_time(self, key: K) -> float | None:
        return self._due.get(key)

    def set(self, key: K, due: float | None) -> None:
        """Schedule `key` at `due` (None: not at all), replacing its earlier time."""
        if due is None:
            self._due.pop(key, None)
            return
        if self._due.get(key) == due:
            return
        self._due[key] = due
        heapq.heappush(self._heap, (due, next(self._order), key))
        if len(self._heap) > 2 * len(self._due) + 1024:
            self._rebuild()

    def pop_due(self, now: float, limit: int | None = None) -> list[K]:
        """The keys due at `now` (due <= now), earliest first, at most `limit`; they are
        unscheduled (schedule them again if they stay due later)."""
        out: list[K] = []
        heap = self._heap
        while heap and heap[0][0] <= now and (limit is None or len(out) < limit):
            due, _, key = heapq.heappop(heap)
            if self._due.get(key) == due:
                del self._due[key]
                out.append(key)
        return out

    def clear(self) -> None:
        self._heap.clear()
        self._due.clear()

    def _rebuild(self) -> None:
        self._heap = [(due, next(self._order), key) for key, due in self._due.items()]
        heapq.heapify(self._heap)
