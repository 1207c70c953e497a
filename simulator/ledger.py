"""The backend's payments: by key and token, when each is next due, and retention of final ones."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterator

from simulator.payments import Payment
from simulator.schedule import DueQueue
from simulator.transitions import TransitionPolicy

Key = tuple[str, str]  # (msn, reference)


class Ledger:
    """Payments in creation order. Each has at most one due time: its expiry or timed approval
    while CREATED, `finished_at + retention_seconds` once final (then it is forgotten), none
    while it still holds money to capture or refund. Not thread-safe: the backend's lock."""

    def __init__(self, retention_seconds: float = math.inf) -> None:
        self.retention_seconds = retention_seconds
        self._payments: dict[Key, Payment] = {}
        self._by_token: dict[str, Key] = {}
        self._counts: Counter[str] = Counter()  # payments per MSN: the listing's total
        self._due: DueQueue[Key] = DueQueue()

    def __len__(self) -> int:
        return len(self._payments)

    def __contains__(self, key: Key) -> bool:
        return key in self._payments

    def clear(self) -> None:
        self._payments.clear()
        self._by_token.clear()
        self._counts.clear()
        self._due.clear()

    def add(self, payment: Payment) -> None:
        key = (payment.msn, payment.reference)
        self._payments[key] = payment
        self._by_token[payment.landing_token] = key
        self._counts[payment.msn] += 1

    def get(self, msn: str, reference: str) -> Payment | None:
        return self._payments.get((msn, reference))

    def by_token(self, token: str) -> Payment | None:
        key = self._by_token.get(token)
        return None if key is None else self._payments.get(key)

    def schedule(self, payment: Payment, transition: TransitionPolicy, now: float) -> None:
        """After any change: note when it became final, and when it is next due."""
        if payment.finished_at is None and payment.is_final:
            payment.finished_at = now
        due = payment.next_due(transition)
        if payment.finished_at is not None and math.isfinite(self.retention_seconds):
            due = payment.finished_at + self.retention_seconds
        self._due.set((payment.msn, payment.reference), due)

    def take_due(self, now: float, limit: int | None = None) -> tuple[list[Payment], int]:
        """The open payments due at `now` (to refresh, which schedules them again), and how many
        due keys were looked at (at most `limit`): final ones past retention are forgotten."""
        keys = self._due.pop_due(now, limit)
        due: list[Payment] = []
        for key in keys:
            payment = self._payments.get(key)
            if payment is None:
                continue
            if payment.finished_at is not None:
                self._forget(payment)
            else:
                due.append(payment)
        return due, len(keys)

    def _forget(self, payment: Payment) -> None:
        del self._payments[(payment.msn, payment.reference)]
        self._by_token.pop(payment.landing_token, None)
        self._counts[payment.msn] -= 1
        if not self._counts[payment.msn]:
            del self._counts[payment.msn]

    def created(self) -> list[Payment]:
        """Every CREATED payment (a new transition policy moves their due times)."""
        return [p for p in self._payments.values() if p.state == "CREATED"]

    def count(self, msn: str | None = None) -> int:
        return len(self._payments) if msn is None else self._counts.get(msn, 0)

    def page(self, msn: str | None, offset: int = 0, limit: int | None = None) -> Iterator[Payment]:
        """Oldest first, skipping `offset` (of this MSN's), at most `limit`."""
        chosen = (p for p in self._payments.values() if msn in (None, p.msn))
        stop = None if limit is None else offset + limit
        return itertools.islice(chosen, offset, stop)
