"""Idempotency records: a repeated key replays the first outcome; another body under it is a 409."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from simulator.exceptions import ProblemError

T = TypeVar("T")


def fingerprint(body: Any) -> str:
    """Canonical JSON of the request, so key order and whitespace do not count as a change."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)


@dataclass
class Record:
    fingerprint: str
    written_at: float
    result: Any = None
    error: ProblemError | None = None


class IdempotencyStore:
    """Keyed by (operation, msn, reference-or-None, key). Callers hold the backend lock.

    Successes and 4xx are stored (a 4xx is sticky for its key); 5xx are not, so a retry runs again.
    Records are kept until reset or `expire()` (the real API's retention is UNCONFIRMED).
    """

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self._now = now
        self._records: dict[tuple[str, str, str | None, str], Record] = {}

    def __len__(self) -> int:
        return len(self._records)

    def clear(self) -> None:
        self._records.clear()

    def expire(self, written_before: float) -> int:
        """Forget records written before `written_before`. The dict is in writing order, so
        this costs what it forgets."""
        forgotten = 0
        while self._records:
            scope, record = next(iter(self._records.items()))
            if record.written_at >= written_before:
                break
            del self._records[scope]
            forgotten += 1
        return forgotten

    def run(
        self,
        scope: tuple[str, str, str | None, str],
        request: Any,
        conflict: Callable[[], ProblemError],
        operation: Callable[[], T],
    ) -> T:
        fp = fingerprint(request)
        record = self._records.get(scope)
        if record is not None:
            if record.fingerprint != fp:
                raise conflict()
            if record.error is not None:
                raise record.error
            return record.result
        try:
            result = operation()
        except ProblemError as exc:
            if 400 <= exc.status < 500:
                self._records[scope] = Record(fp, self._now(), error=exc)
            raise
        self._records[scope] = Record(fp, self._now(), result=result)
        return result
