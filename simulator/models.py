"""EPaymentBackend: the ePayment test environment's state and rules, with no HTTP in sight."""

from __future__ import annotations

import copy
import dataclasses
import logging
import random
import threading
import uuid
from collections.abc import Callable
from typing import Any

from simulator import exceptions as ex
from simulator.clock import SimClock
from simulator.config import DEFAULT_SALES_UNIT, SalesUnit
from simulator.idempotency import IdempotencyStore
from simulator.modifications import ModificationsMixin
from simulator.payments import Payment
from simulator.requests_parsing import CreateRequest, parse_create
from simulator.tokens import TokenIssuer
from simulator.transitions import TransitionPolicy
from simulator.user_actions import UserActionsMixin

log = logging.getLogger(__name__)
Listener = Callable[[str, dict[str, Any]], None]


class EPaymentBackend(ModificationsMixin, UserActionsMixin):
    """One method per ePayment operation (the spec's operationIds in snake_case) plus user actions.

    Thread-safe: one re-entrant lock guards all state, so concurrent captures or refunds on one
    payment can never move more money than allowed. Every state change and money movement goes
    through `_record`, which appends the event and notifies listeners (webhooks hook in there).
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
    ) -> None:
        self.sales_units = list(sales_units or [DEFAULT_SALES_UNIT])
        self.units_by_msn = {u.merchant_serial_number: u for u in self.sales_units}
        self.units_by_client_id = {u.client_id: u for u in self.sales_units}
        self.units_by_subscription_key = {u.subscription_key: u for u in self.sales_units}
        self.clock = clock or SimClock()
        self.expiry_seconds = expiry_seconds
        self.tokens = TokenIssuer(self.clock, token_lifetime_seconds)
        self._initial_transition = transition or TransitionPolicy()
        self.transition = dataclasses.replace(self._initial_transition)
        self.base_url = base_url
        self._seed = seed
        self._random = random.Random(seed)
        self._lock = threading.RLock()
        self._payments: dict[tuple[str, str], Payment] = {}
        self._open: set[tuple[str, str]] = set()  # CREATED payments: expiry/transition candidates
        self._by_token: dict[str, tuple[str, str]] = {}
        self._idem = IdempotencyStore()
        self._listeners: list[Listener] = []

    # --- housekeeping ---------------------------------------------------------------------

    def add_listener(self, fn: Listener) -> None:
        """fn(msn, event) runs for every new event, under the backend lock: keep it quick."""
        self._listeners.append(fn)

    def remove_listener(self, fn: Listener) -> None:
        self._listeners.remove(fn)

    def reset(self) -> None:
        """Forget payments, idempotency records and tokens; rewind the clock and the seed."""
        with self._lock:
            self._payments.clear()
            self._open.clear()
            self._by_token.clear()
            self._idem.clear()
            self.tokens.reset()
            self.clock.reset()
            self._random = random.Random(self._seed)
            self.transition = dataclasses.replace(self._initial_transition)

    def sales_unit(self, msn: str) -> SalesUnit:
        unit = self.units_by_msn.get(msn)
        if unit is None:
            raise ex.Forbidden(
                f"Merchant-Serial-Number {msn} is not a sales unit of this simulator."
            )
        return unit

    def _new_psp(self) -> str:
        return str(self._random.randrange(10**9, 10**10))

    def _new_uuid(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    # --- the one place where state and money change -----------------------------------------

    def _record(
        self,
        payment: Payment,
        name: str,
        value: int,
        *,
        key: str | None = None,
        success: bool = True,
        state: str | None = None,
        amount_field: str | None = None,
        psp: str | None = None,
        at: float | None = None,
    ) -> dict[str, Any]:
        """Apply one state change / money movement, append its event, notify listeners."""
        if success:
            if amount_field:
                setattr(payment, amount_field, getattr(payment, amount_field) + value)
            if state:
                payment.state = state
                if state != "CREATED":
                    self._open.discard((payment.msn, payment.reference))
        ts = self.clock.now() if at is None else at
        event = payment.new_event(name, value, psp or self._new_psp(), ts, key, success)
        payment.events.append(event)
        for listener in list(self._listeners):
            try:
                listener(payment.msn, copy.deepcopy(event))
            except Exception:  # a broken listener must not break the payment
                log.exception("payment event listener failed")
        return event

    # --- lookups, expiry and automatic transitions ---------------------------------------------

    def _find(self, msn: str, reference: str) -> Payment:
        payment = self._payments.get((msn, reference))
        if payment is None:
            raise ex.ReferenceNotFound(f"The reference `{reference}` does not exist for MSN {msn}")
        self._refresh(payment)
        return payment

    def _refresh(self, payment: Payment) -> None:
        """Lazy evaluation of expiry and of the transition policy (also run by sweep())."""
        if payment.state != "CREATED":
            return
        now = self.clock.now()
        if now >= payment.expires_at:
            # stamped with the moment it expired, even when noticed later (lazily or by the sweep)
            self._record(payment, "EXPIRED", payment.value, state="EXPIRED", at=payment.expires_at)
        elif self.transition.due(payment.polls, now - payment.created_at):
            self._user_approve(payment)

    def sweep(self) -> None:
        """Expire or progress every open payment whose time has come (the light background task)."""
        with self._lock:
            for key in list(self._open):
                self._refresh(self._payments[key])

    # --- operations ---------------------------------------------------------------------------

    def create_payment(self, msn: str, body: Any, idempotency_key: str) -> dict[str, Any]:
        """createPayment -> the 201 body. A repeated key replays; a new key on a used reference is
        refused with 4150 at HTTP 409 (status UNCONFIRMED; the spec lists 409 on create)."""
        unit = self.sales_unit(msn)
        with self._lock:
            return self._idem.run(
                ("create_payment", msn, None, idempotency_key),
                body,
                lambda: ex.IdempotencyError(
                    f"Idempotency-Key `{idempotency_key}` was already used for another request."
                ),
                lambda: self._create(
                    unit, parse_create(body, unit, self.clock.now()), idempotency_key
                ),
            )

    def _create(self, unit: SalesUnit, req: CreateRequest, key: str) -> dict[str, Any]:
        msn = unit.merchant_serial_number
        if (msn, req.reference) in self._payments:
            raise ex.ReferenceExists(f"Reference `{req.reference}` already exists")
        now = self.clock.now()
        token = f"{self._random.getrandbits(128):032x}"
        payment = Payment(
            msn=msn,
            reference=req.reference,
            value=req.value,
            currency=req.currency,
            user_flow=req.user_flow,
            psp_reference=self._new_uuid(),
            created_at=now,
            expires_at=req.expires_at or now + self.expiry_seconds,
            landing_token=token,
            payment_method_type=req.payment_method_type,
            description=req.description,
            return_url=req.return_url,
            customer=req.customer,
            metadata=req.metadata,
            qr_format=req.qr_format,
            profile_scope=req.profile_scope,
            merchant_name=unit.name,
        )
        payment.redirect_url = self._redirect_url(payment)
        self._payments[(msn, req.reference)] = payment
        self._open.add((msn, req.reference))
        self._by_token[token] = (msn, req.reference)
        self._record(payment, "CREATED", payment.value, key=key, psp=payment.psp_reference, at=now)
        self._refresh(payment)
        body: dict[str, Any] = {"reference": req.reference}
        if payment.redirect_url:
            body["redirectUrl"] = payment.redirect_url
        return body

    def _redirect_url(self, payment: Payment) -> str | None:
        """Landing page for WEB_REDIRECT and NATIVE_REDIRECT (the real one is an app URL), a QR
        image for QR (or the landing URL itself for TEXT/TARGETURL), none for PUSH_MESSAGE."""
        landing = f"{self.base_url}/landing?token={payment.landing_token}"
        if payment.user_flow == "PUSH_MESSAGE":
            return None
        if payment.user_flow == "QR":
            fmt = (payment.qr_format or {}).get("format", "IMAGE/SVG+XML")
            return (
                landing
                if fmt == "TEXT/TARGETURL"
                else f"{self.base_url}/qr?token={payment.landing_token}"
            )
        return landing

    def get_payment(self, msn: str, reference: str) -> dict[str, Any]:
        with self._lock:
            payment = self._payments.get((msn, reference))
            if payment is not None:
                payment.polls += 1
            return self._find(msn, reference).to_get_json()

    def get_payment_event_log(self, msn: str, reference: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._find(msn, reference).events)

    def payment(self, msn: str, reference: str) -> Payment:
        """The live model (tests and the control plane); callers must not mutate it."""
        with self._lock:
            return self._find(msn, reference)

    def list_payments(self, msn: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            for key in list(self._open):
                self._refresh(self._payments[key])
            return [
                p.to_control_json(self.base_url)
                for p in self._payments.values()
                if msn in (None, p.msn)
            ]
