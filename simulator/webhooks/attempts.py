"""The retry schedule and the record of delivery attempts per registration (control plane)."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from simulator.clock import iso

MAX_KEPT = 1000  # attempts kept per registration; older ones are counted, not kept
HOUR, DAY = 3600.0, 86400.0
GIVE_UP_AFTER = 7 * DAY


def retry_delay(attempt: int) -> float:
    """Seconds before the next try after failed attempt n (reference §10; "may change"):
    attempts 1-4 about 2 s apart, then 60 s, 120 s, hourly through attempt 29, then daily."""
    if attempt <= 3:
        return 2.0
    if attempt == 4:
        return 60.0
    if attempt == 5:
        return 120.0
    return HOUR if attempt < 29 else DAY


@dataclass
class Stats:
    attempts: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=MAX_KEPT))
    total_attempts: int = 0
    delivered: int = 0
    failed_attempts: int = 0
    gave_up: int = 0
    pending: int = 0  # events queued or being tried

    def to_json(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "delivered": self.delivered,
            "failedAttempts": self.failed_attempts,
            "gaveUp": self.gave_up,
            "attemptsDropped": self.total_attempts - len(self.attempts),
            "attempts": list(self.attempts),
        }


class AttemptLog:
    """Written by the delivery thread, read by the control plane: one lock guards it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats: dict[str, Stats] = {}

    def queued(self, webhook_id: str, count: int = 1) -> None:
        with self._lock:
            self._stats.setdefault(webhook_id, Stats()).pending += count

    def record(self, webhook_id: str, entry: dict[str, Any], final: bool) -> None:
        """One attempt; `final` when the event leaves the queue (delivered or given up)."""
        with self._lock:
            stats = self._stats.setdefault(webhook_id, Stats())
            stats.attempts.append(entry)
            stats.total_attempts += 1
            stats.delivered += entry["outcome"] == "delivered"
            stats.failed_attempts += entry["outcome"] in ("failed", "gave_up")
            stats.gave_up += entry["outcome"] == "gave_up"
            stats.pending -= final

    def dropped(self, webhook_id: str, count: int) -> None:
        """Events left in a queue when its registration went away."""
        with self._lock:
            if webhook_id in self._stats:
                self._stats[webhook_id].pending -= count

    def to_json(self, webhook_id: str) -> dict[str, Any]:
        with self._lock:
            return self._stats.get(webhook_id, Stats()).to_json()

    def forget(self, webhook_id: str | None = None) -> None:
        with self._lock:
            if webhook_id is None:
                self._stats.clear()
            else:
                self._stats.pop(webhook_id, None)


def attempt_entry(
    delivery: Any,
    attempt: int,
    started: float,
    duration: float,
    status: int | None,
    error: str | None,
    next_retry: float | None,
) -> dict[str, Any]:
    """One row of GET /_sim/webhooks: when, which event, how it went and when it is tried again."""
    ok = status is not None and 200 <= status < 300
    adversity = getattr(delivery, "adversity", None)
    return {
        **({"adversity": adversity} if adversity else {}),
        "time": iso(started),
        "event": delivery.event_type,
        "reference": delivery.payload["reference"],
        "pspReference": delivery.payload["pspReference"],
        "attempt": attempt,
        "status": status,
        "error": error,
        "durationMs": round(duration * 1000, 1),
        "outcome": "delivered" if ok else ("failed" if next_retry is not None else "gave_up"),
        "nextRetryAt": iso(next_retry) if next_retry is not None else None,
    }
