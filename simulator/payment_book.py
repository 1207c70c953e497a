"""The backend's payments kept current: found fresh, rescheduled, and every new event told."""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from simulator import exceptions as ex
from simulator.clock import SimClock
from simulator.ledger import Ledger
from simulator.payments import Payment
from simulator.transitions import TransitionPolicy

log = logging.getLogger("simulator.models")  # the backend's name: log filters match on it
Listener = Callable[[str, dict[str, Any]], None]


class PaymentBook:
    """The payments (a Ledger), the transition policy that moves the CREATED ones, and the
    listeners that hear every event a payment logs. Not thread-safe: the backend's lock."""

    def __init__(
        self,
        clock: SimClock,
        transition: TransitionPolicy,
        retention_seconds: float = math.inf,
    ) -> None:
        self.clock = clock
        self.ledger = Ledger(retention_seconds)
        self._listeners: list[Listener] = []
        self._transition = transition

    @property
    def transition(self) -> TransitionPolicy:
        return self._transition

    @transition.setter
    def transition(self, policy: TransitionPolicy) -> None:
        """A new policy moves the due time of every CREATED payment (after_seconds on or off)."""
        self._transition = policy
        now = self.clock.now()
        for payment in self.ledger.created():
            self.ledger.schedule(payment, policy, now)

    def add_listener(self, fn: Listener) -> None:
        self._listeners.append(fn)

    def remove_listener(self, fn: Listener) -> None:
        self._listeners.remove(fn)

    @contextmanager
    def changing(self, payment: Payment, logged: int | None = None) -> Iterator[Payment]:
        """Around a call of the payment's own methods: whatever events it logged (even when it
        then refused, as a failing refund does) go to every listener, in order."""
        logged = len(payment.events) if logged is None else logged
        try:
            yield payment
        finally:
            self.ledger.schedule(payment, self.transition, self.clock.now())
            for event in payment.events[logged:]:
                for listener in list(self._listeners):
                    try:
                        listener(payment.msn, copy.deepcopy(event))
                    except Exception:  # a broken listener must not break the payment
                        log.exception("payment event listener failed")

    def add(self, payment: Payment) -> None:
        """A new payment: its CREATED event, then perhaps an immediate approval, told."""
        self.ledger.add(payment)
        with self.changing(payment, logged=0):
            payment.refresh(self.transition)

    def change(self, msn: str, reference: str, action: Callable[[Payment], None]) -> Payment:
        """Find the payment and let `action` change it (by its own methods), listeners told."""
        payment = self.find(msn, reference)
        with self.changing(payment):
            action(payment)
        return payment

    def find(self, msn: str, reference: str) -> Payment:
        """The payment, refreshed (expired or approved if its time has come), or 404."""
        payment = self.ledger.get(msn, reference)
        if payment is None:
            raise ex.ReferenceNotFound(f"The reference `{reference}` does not exist for MSN {msn}")
        self.refresh(payment)
        return payment

    def by_token(self, token: str) -> Payment | None:
        """The payment behind a redirectUrl token, refreshed."""
        payment = self.ledger.by_token(token)
        if payment is not None:
            self.refresh(payment)
        return payment

    def refresh(self, payment: Payment) -> None:
        with self.changing(payment):
            payment.refresh(self.transition)

    def sweep(self, now: float, limit: int | None = None) -> int:
        """Refresh the open payments due at `now` and forget final ones past retention (at most
        `limit` due payments); returns how many it looked at."""
        due, looked_at = self.ledger.take_due(now, limit)
        for payment in due:
            self.refresh(payment)
        return looked_at
