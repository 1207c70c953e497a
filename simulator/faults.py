"""Fault injection for client retry tests: a status, a dropped connection or a delay."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

KINDS = ("status", "drop_before", "drop_after", "delay")


@dataclass
class Fault:
    """One armed fault. `count` requests of `operation` meet it ("*" matches every operation).

    An adversity (simulator/adversity.py) scopes its faults to one payment (`msn`, `reference`)
    and names itself in `origin`; `retry_after` goes with a 429 as Retry-After."""

    operation: str
    kind: str
    count: int = 1
    status: int = 503
    seconds: float = 1.0
    msn: str | None = None
    reference: str | None = None
    retry_after: int | None = None
    origin: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        if not isinstance(data, dict):
            raise ValueError("a fault is a JSON object")
        kind = data.get("kind")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        operation = data.get("operation")
        if not isinstance(operation, str) or not operation:
            raise ValueError("operation (an operationId such as capture_payment, or *) is required")
        count, status, seconds = (
            data.get("count", 1),
            data.get("status", 503),
            data.get("seconds", 1.0),
        )
        if not isinstance(count, int) or count < 1:
            raise ValueError("count must be a positive integer")
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        if not isinstance(seconds, int | float) or not 0 <= seconds <= 60:
            raise ValueError("seconds must be a number from 0 to 60")
        return cls(operation, kind, count, status, float(seconds))

    def matches(self, operation: str, msn: str | None, reference: str | None) -> bool:
        """Unscoped faults match any request of the operation; a scoped one matches its own
        payment, and any request whose MSN or reference the caller did not say."""
        return (
            self.operation in (operation, "*")
            and (msn is None or self.msn in (None, msn))
            and (reference is None or self.reference in (None, reference))
        )

    def to_json(self) -> dict[str, Any]:
        scope: dict[str, Any] = {"msn": self.msn, "reference": self.reference}
        scope |= {"retryAfter": self.retry_after, "adversity": self.origin}
        return {
            "operation": self.operation,
            "kind": self.kind,
            "count": self.count,
            "status": self.status,
            "seconds": self.seconds,
            **{name: value for name, value in scope.items() if value is not None},
        }


Taken = Callable[[Fault], None]


class FaultInjector:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.on_taken: list[Taken] = []  # told (outside the lock) whenever a fault is met

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def remove_origin(self, origin: str) -> None:
        """Disarm the faults an adversity armed."""
        with self._lock:
            self._faults = [f for f in self._faults if f.origin != origin]

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.to_json() for f in self._faults]

    def take(
        self, operation: str, msn: str | None = None, reference: str | None = None
    ) -> Fault | None:
        """The first armed fault for this request, consuming one of its count."""
        if not self._faults:  # the common case stays lock-free
            return None
        with self._lock:
            fault = next((f for f in self._faults if f.matches(operation, msn, reference)), None)
            if fault is None:
                return None
            fault.count -= 1
            if fault.count <= 0:
                self._faults.remove(fault)
        for listener in list(self.on_taken):
            listener(fault)
        return fault
