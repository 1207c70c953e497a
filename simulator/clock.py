"""A wall clock that tests and the control plane can move forward (expiry, token lifetime)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class SimClock:
    """Real UTC time plus an offset that only grows (POST /_sim/clock/advance)."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the simulated clock only moves forward")
        with self._lock:
            self._offset += seconds
        return self.now()

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0

    @property
    def offset(self) -> float:
        return self._offset


def iso(ts: float) -> str:
    """RFC 3339 in UTC with microseconds and Z, like the event log's timestamps."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
