"""EPaymentBackend: the ePayment test environment's payments and rules, with no HTTP in sight."""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import threading
from collections.abc import Callable
from typing import Any

from simulator import exceptions as ex
from simulator.clock import SimClock
from simulator.config import DEFAULT_SALES_UNIT, SalesUnit
from simulator.idempotency import IdempotencyStore
from simulator.ids import SeededIds
from simulator.once_per_key import once_per_key
from simulator.payment_book import Listener, PaymentBook
from simulator.payment_json import control_json, get_payment_json, modification_json
from simulator.payments import Payment
from simulator.requests_parsing import (
    parse_cancel,
    parse_create,
    parse_force_approve,
    parse_modification,
)
from simulator.tokens import TokenIssuer
from simulator.transitions import TransitionPolicy


class EPaymentBackend:
    """One method per ePayment operation (the spec's operationIds in snake_case) plus user actions.

    The payments keep their own rules and state (simulator/payments.py); the backend's book
    (simulator/payment_book.py) finds them and tells listeners (webhooks hook in there) about
    every event a payment logs; the backend keeps idempotency records (once_per_key.py).
    Thread-safe: one re-entrant lock guards all state, so concurrent captures or refunds on one
    payment can never move more money than allowed.
    Memory is bounded by `retention_seconds` (simulated clock): a final payment (ended, or
    nothing left to capture or refund) is forgotten that long after it became final, and an
    idempotency record that long after it was written (the real retention is UNCONFIRMED).
    Not simulated: Express (shipping), CARD and CARD_PASSTHROUGH, receipts beyond a shape check,
    capture/refund deadlines (6100, 6220 by date), 6160/423 "order locked" (operations are atomic).
    """

    def __init__(
        self,
        sales_units: list[SalesUnit] | None = None,
        *,
        seed: int | None = None,
        clock: SimClock | None = None,
        expiry_seconds: float = 600.0,
        token_lifetime_seconds: int = 3600,
        transition: TransitionPolicy | None = None,
        base_url: str = "http://127.0.0.1",
        retention_seconds: float = math.inf,
    ) -> None:
        self.sales_units = list(sales_units or [DEFAULT_SALES_UNIT])
        self.units_by_msn = {u.merchant_serial_number: u for u in self.sales_units}
        self.units_by_client_id = {u.client_id: u for u in self.sales_units}
        self.units_by_subscription_key = {u.subscription_key: u for u in self.sales_units}
        self.clock = clock or SimClock()
        self.expiry_seconds = expiry_seconds
        self.tokens = TokenIssuer(self.clock, token_lifetime_seconds)
        self.base_url = base_url
        self.ids = SeededIds(seed)
        self.retention_seconds = retention_seconds
        self._lock = threading.RLock()
        self._idem = IdempotencyStore(self.clock.now)
        self._initial_transition = transition or TransitionPolicy()
        initial = dataclasses.replace(self._initial_transition)
        self._book = PaymentBook(self.clock, initial, retention_seconds)

    @property
    def transition(self) -> TransitionPolicy:
        return self._book.transition

    @transition.setter
    def transition(self, policy: TransitionPolicy) -> None:
        """A new policy moves the due time of every CREATED payment (after_seconds on or off)."""
        with self._lock:
            self._book.transition = policy

    # --- housekeeping ---------------------------------------------------------------------

    def add_listener(self, fn: Listener) -> None:
        """fn(msn, event) runs for every new event, under the backend lock: keep it quick."""
        self._book.add_listener(fn)

    def remove_listener(self, fn: Listener) -> None:
        self._book.remove_listener(fn)

    def reset(self) -> None:
        """Forget payments, idempotency records and tokens; rewind the clock and the seed."""
        with self._lock:
            self._book.ledger.clear()
            self._idem.clear()
            self.tokens.reset()
            self.clock.reset()
            self.ids.reset()
            self.transition = dataclasses.replace(self._initial_transition)

    def sales_unit(self, msn: str) -> SalesUnit:
        unit = self.units_by_msn.get(msn)
        if unit is None:
            raise ex.Forbidden(
                f"Merchant-Serial-Number {msn} is not a sales unit of this simulator."
            )
        return unit

    # --- expiry, automatic transitions and retention ------------------------------------------

    def sweep(self, limit: int | None = None) -> int:
        """Expire or progress the open payments whose time has come, forget final payments and
        idempotency records past retention. Only what is due is touched (a heap by due time);
        with `limit`, at most that many payments, so a caller can yield between batches.
        Returns how many payments it looked at."""
        with self._lock:
            now = self.clock.now()
            looked_at = self._book.sweep(now, limit)
            if math.isfinite(self.retention_seconds):
                self._idem.expire(now - self.retention_seconds)
            return looked_at

    # --- operations ---------------------------------------------------------------------------

    def create_payment(self, msn: str, body: Any, idempotency_key: str) -> dict[str, Any]:
        """createPayment -> the 201 body. A repeated key replays; a new key on a used reference is
        refused with 4150 at HTTP 409 (status UNCONFIRMED; the spec lists 409 on create)."""
        unit = self.sales_unit(msn)
        with self._lock:
            run = functools.partial(self._create, unit, body, idempotency_key)
            key = idempotency_key
            return once_per_key(self._idem, "create_payment", (msn, None), key, body, run)

    def _create(self, unit: SalesUnit, body: Any, key: str) -> dict[str, Any]:
        req = parse_create(body, unit, self.clock.now())
        if (unit.merchant_serial_number, req.reference) in self._book.ledger:
            raise ex.ReferenceExists(f"Reference `{req.reference}` already exists")
        expiry, base_url = self.expiry_seconds, self.base_url
        payment = Payment.open(req, unit, key, self.clock, self.ids, expiry, base_url)
        self._book.add(payment)
        result: dict[str, Any] = {"reference": req.reference}
        if payment.redirect_url:
            result["redirectUrl"] = payment.redirect_url
        return result

    def get_payment(self, msn: str, reference: str) -> dict[str, Any]:
        with self._lock:
            payment = self._book.ledger.get(msn, reference)
            if payment is not None:
                payment.polled()
            return get_payment_json(self._book.find(msn, reference))

    def get_payment_event_log(self, msn: str, reference: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._book.find(msn, reference).events)

    def capture_payment(
        self, msn: str, reference: str, body: Any, idempotency_key: str
    ) -> dict[str, Any]:
        """capturePayment (rules: Payment.capture)."""

        def capture(p: Payment) -> None:
            value = parse_modification(body, p.currency)
            allow_partial = self.sales_unit(p.msn).allow_partial_capture
            p.capture(value, key=idempotency_key, allow_partial=allow_partial)

        return self._modify("capture", msn, reference, body, idempotency_key, capture)

    def refund_payment(
        self, msn: str, reference: str, body: Any, idempotency_key: str
    ) -> dict[str, Any]:
        """refundPayment (rules: Payment.refund)."""

        def refund(p: Payment) -> None:
            p.refund(parse_modification(body, p.currency), key=idempotency_key)

        return self._modify("refund", msn, reference, body, idempotency_key, refund)

    def cancel_payment(
        self, msn: str, reference: str, body: Any = None, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """cancelPayment (rules: Payment.cancel). Idempotency-Key is optional in 1.8.1 but
        honoured when sent."""

        def cancel(p: Payment) -> None:
            p.cancel(transaction_only=parse_cancel(body), key=idempotency_key)

        return self._modify("cancel", msn, reference, body, idempotency_key, cancel)

    def _modify(
        self,
        verb: str,
        msn: str,
        reference: str,
        body: Any,
        key: str | None,
        change: Callable[[Payment], None],
    ) -> dict[str, Any]:
        """Find the payment, let it change (parsing the body on the way), answer the
        ModificationResponse. With a key, once per key: a replay answers what the first run
        did, another body under the same key is refused with the operation's conflict error."""

        def run() -> dict[str, Any]:
            return modification_json(self._book.change(msn, reference, change))

        with self._lock:
            return once_per_key(self._idem, f"{verb}_payment", (msn, reference), key, body, run)

    def force_approve(self, msn: str, reference: str, body: Any = None) -> None:
        """forceApprove (test only; rules: Payment.force_approve)."""
        customer, token = parse_force_approve(body)
        with self._lock:
            self._book.change(
                msn, reference, lambda p: p.force_approve(customer=customer, token=token)
            )

    # --- the user's side (landing page, control plane) ------------------------------------------

    def approve(self, msn: str, reference: str) -> str:
        """The user approves in the app. Returns the state after (ABORTED for declined amounts)."""
        return self._user_action(msn, reference, Payment.approve)

    def reject(self, msn: str, reference: str) -> str:
        """The user rejects (or leaves the landing page): ABORTED."""
        return self._user_action(msn, reference, Payment.reject)

    def expire(self, msn: str, reference: str) -> str:
        """Nobody acted in time: EXPIRED now, without moving the clock."""
        return self._user_action(msn, reference, Payment.expire)

    def _user_action(self, msn: str, reference: str, action: Callable[[Payment], None]) -> str:
        with self._lock:
            return self._book.change(msn, reference, action).state

    def payment_for_token(self, token: str) -> Payment | None:
        """The payment behind a redirectUrl token (landing page, QR image), refreshed."""
        with self._lock:
            return self._book.by_token(token)

    # --- the control plane's views ----------------------------------------------------------------

    def payment(self, msn: str, reference: str) -> Payment:
        """The live model (tests and the control plane); callers must not mutate it."""
        with self._lock:
            return self._book.find(msn, reference)

    def payment_summary(self, msn: str, reference: str) -> dict[str, Any]:
        """GET /_sim/payments/{msn}/{reference}: the summary with the whole event log."""
        with self._lock:
            p = self._book.find(msn, reference)
            return {**control_json(p, self.base_url), "events": copy.deepcopy(p.events)}

    def list_payments(
        self, msn: str | None = None, *, offset: int = 0, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """GET /_sim/payments: oldest first, `limit` of them (all by default) after `offset`."""
        with self._lock:
            self.sweep()
            return [
                control_json(p, self.base_url) for p in self._book.ledger.page(msn, offset, limit)
            ]

    def count_payments(self, msn: str | None = None) -> int:
        """How many payments the simulator keeps (of one MSN): the listing's total."""
        with self._lock:
            return self._book.ledger.count(msn)
