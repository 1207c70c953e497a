"""The documented rate limits: writes 5/min per reference+MSN, reads 120/min per reference+key."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque

from simulator.clock import SimClock
from simulator.exceptions import TooManyRequests

WINDOW_SECONDS = 60.0
LIMITS = {
    "create_payment": 5,
    "cancel_payment": 5,
    "capture_payment": 5,
    "refund_payment": 5,
    "get_payment": 120,
    "get_payment_event_log": 120,
}


class RateLimiter:
    """Sliding one-minute window per (operation, reference, MSN or subscription key).

    Limits are per endpoint (as the docs' table lists them), counted on the simulated clock.
    Windows are kept in order of their last hit, so prune() forgets the quiet ones at the cost
    of what it forgets (memory stays bounded under a load test's ever-new references).
    """

    def __init__(self, clock: SimClock, enabled: bool = True) -> None:
        self.enabled = enabled
        self._clock = clock
        self._hits: OrderedDict[tuple[str, str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()

    def check(self, operation: str, reference: str, scope: str) -> None:
        """Count one request; raise 429 with Retry-After when the window is full."""
        limit = LIMITS.get(operation)
        if not self.enabled or limit is None:
            return
        now = self._clock.now()
        with self._lock:
            key = (operation, reference, scope)
            hits = self._hits.setdefault(key, deque())
            self._hits.move_to_end(key)
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= limit:
                retry_after = max(1, math.ceil(hits[0] + WINDOW_SECONDS - now))
                raise TooManyRequests(
                    f"Rate limit of {limit} requests per minute for {operation} on reference "
                    f"`{reference}` exceeded. Retry after {retry_after} seconds.",
                    retry_after,
                )
            hits.append(now)

    def prune(self) -> int:
        """Forget the windows with no hit in the last minute; returns how many."""
        horizon = self._clock.now() - WINDOW_SECONDS
        forgotten = 0
        with self._lock:
            while self._hits:
                key, hits = next(iter(self._hits.items()))
                if hits and hits[-1] > horizon:
                    break
                del self._hits[key]
                forgotten += 1
        return forgotten

    def __len__(self) -> int:
        return len(self._hits)
