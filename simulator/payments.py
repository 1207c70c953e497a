"""The Payment model: its state machine, amounts, event log and JSON views (no HTTP, no lock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.clock import SimClock, iso
from simulator.config import SalesUnit
from simulator.ids import SeededIds
from simulator.magic_amounts import DECLINED_AMOUNTS, REFUND_FAILURES, TEST_CARD_BIN
from simulator.payment_rules import (
    check_cancel_after_approval,
    check_capture,
    check_created,
    check_force_approve,
    check_refund,
)
from simulator.redirects import redirect_url
from simulator.requests_parsing import CreateRequest
from simulator.transitions import TransitionPolicy

ENDED_STATES = ("ABORTED", "EXPIRED", "TERMINATED")


@dataclass(slots=True)
class Payment:
    """One payment of one sales unit. Its methods check the rules (simulator/payment_rules.py),
    change its state and amounts, and append to its event log, or raise the DomainError the API
    answers. Not thread-safe: the backend holds its lock around every call and tells its
    listeners about new events."""

    msn: str
    reference: str
    value: int
    currency: str
    user_flow: str
    psp_reference: str  # the CREATED event's; GET and modification responses always show this one
    created_at: float
    expires_at: float
    landing_token: str
    payment_method_type: str = "WALLET"
    description: str | None = None
    return_url: str | None = None
    redirect_url: str | None = None
    customer: dict[str, Any] | None = None
    metadata: dict[str, str] | None = None
    qr_format: dict[str, Any] | None = None
    profile_scope: str | None = None
    merchant_name: str = ""
    state: str = "CREATED"
    authorized: int = 0
    captured: int = 0
    cancelled: int = 0
    refunded: int = 0
    polls: int = 0
    card_bin: str | None = None
    sub: str | None = None
    finished_at: float | None = None  # when it was first seen final (retention counts from it)
    events: list[dict[str, Any]] = field(default_factory=list)
    clock: SimClock = field(default_factory=SimClock, repr=False, compare=False, kw_only=True)
    ids: SeededIds = field(default_factory=SeededIds, repr=False, compare=False, kw_only=True)

    @classmethod
    def open(
        cls,
        req: CreateRequest,
        unit: SalesUnit,
        key: str,
        clock: SimClock,
        ids: SeededIds,
        expiry_seconds: float,
        base_url: str,
    ) -> Payment:
        """createPayment's new payment, CREATED event logged (the token is drawn first)."""
        now, token = clock.now(), ids.token()
        payment = cls(
            msn=unit.merchant_serial_number,
            reference=req.reference,
            value=req.value,
            currency=req.currency,
            user_flow=req.user_flow,
            psp_reference=ids.uuid(),
            created_at=now,
            expires_at=req.expires_at or now + expiry_seconds,
            landing_token=token,
            payment_method_type=req.payment_method_type,
            description=req.description,
            return_url=req.return_url,
            customer=req.customer,
            metadata=req.metadata,
            qr_format=req.qr_format,
            profile_scope=req.profile_scope,
            merchant_name=unit.name,
            clock=clock,
            ids=ids,
        )
        payment.redirect_url = redirect_url(payment.user_flow, token, req.qr_format, base_url)
        payment._log("CREATED", payment.value, key=key, psp=payment.psp_reference, at=now)
        return payment

    # --- the merchant's operations -----------------------------------------------------------

    def capture(self, value: int, *, key: str, allow_partial: bool) -> None:
        """capturePayment (refusals, in order: check_capture)."""
        check_capture(self, value, allow_partial)
        self.captured += value
        self._log("CAPTURED", value, key=key)

    def refund(self, value: int, *, key: str) -> None:
        """refundPayment: up to captured - refunded, repeatedly. The magic amounts 123 and 124
        are refused after logging a REFUNDED event with success false."""
        check_refund(self, value)
        failure = REFUND_FAILURES.get(value)
        if failure is not None:
            self._log("REFUNDED", value, key=key, success=False)
            raise failure[0](failure[1])
        self.refunded += value
        self._log("REFUNDED", value, key=key)

    def cancel(self, *, transaction_only: bool, key: str | None) -> None:
        """cancelPayment. Before approval -> TERMINATED (cancelledAmount = amount); after
        approval the whole remainder is cancelled and the state stays AUTHORIZED (refusals, in
        order: check_cancel_after_approval)."""
        if self.state == "CREATED":
            self.cancelled += self.value
            self.state = "TERMINATED"
            self._log("TERMINATED", self.value, key=key)
            return
        check_cancel_after_approval(self, transaction_only)
        remainder = self.capturable
        self.cancelled += remainder
        self._log("CANCELLED", remainder, key=key)

    def force_approve(self, *, customer: dict[str, Any] | None, token: str | None) -> None:
        """forceApprove (test only): CREATED -> AUTHORIZED at once. Magic card amounts are not
        applied (the docs say force approve does not support them). `token` must match the
        payment's redirectUrl token when sent."""
        check_force_approve(self, token)
        if customer and self.customer is None:
            self.customer = customer
        self._authorize()

    # --- the payer's side, and time ------------------------------------------------------------

    def approve(self) -> None:
        """The user approves in the app: AUTHORIZED, or ABORTED for a declined card amount."""
        check_created(self)
        self._user_approve()

    def reject(self) -> None:
        """The user rejects (or leaves the landing page): ABORTED."""
        check_created(self)
        self.state = "ABORTED"
        self._log("ABORTED", self.value)

    def expire(self) -> None:
        """Nobody acted in time: EXPIRED now, without moving the clock."""
        check_created(self)
        self.state = "EXPIRED"
        self._log("EXPIRED", self.value)

    def refresh(self, transition: TransitionPolicy) -> None:
        """Lazy expiry and automatic approval of a CREATED payment, on every access."""
        if self.state != "CREATED":
            return
        now = self.clock.now()
        if now >= self.expires_at:
            # stamped with the moment it expired, even when noticed later (lazily or by the sweep)
            self.state = "EXPIRED"
            self._log("EXPIRED", self.value, at=self.expires_at)
        elif transition.due(self.polls, now - self.created_at):
            self._user_approve()

    def next_due(self, transition: TransitionPolicy) -> float | None:
        """When refresh() would next change it by itself: expiry, or an after_seconds approval
        (None once it is no longer CREATED)."""
        if self.state != "CREATED":
            return None
        if transition.mode == "after_seconds":
            return min(self.expires_at, self.created_at + transition.seconds)
        return self.expires_at

    @property
    def is_final(self) -> bool:
        """Nothing can change it any more: ended before approval, or authorized with nothing
        left to capture, cancel or refund."""
        if self.state in ENDED_STATES:
            return True
        return self.state == "AUTHORIZED" and self.capturable == 0 and self.refundable == 0

    def polled(self) -> None:
        """A GET of this payment (the after_polls transition counts them)."""
        self.polls += 1

    def _user_approve(self) -> None:
        if self.value in DECLINED_AMOUNTS:
            self._log("AUTHORIZED", self.value, success=False)
            self.state = "ABORTED"
            self._log("ABORTED", self.value)
            return
        self._authorize()

    def _authorize(self) -> None:
        self.card_bin = TEST_CARD_BIN
        if self.profile_scope:
            self.sub = self.ids.uuid()
        create_key = self.events[0]["idempotencyKey"] if self.events else None
        self.authorized += self.value
        self.state = "AUTHORIZED"
        self._log("AUTHORIZED", self.value, key=create_key)

    def _log(
        self,
        name: str,
        value: int,
        *,
        key: str | None = None,
        success: bool = True,
        psp: str | None = None,
        at: float | None = None,
    ) -> None:
        """Append one event; its pspReference is drawn only here, so refusals draw none."""
        ts = self.clock.now() if at is None else at
        self.events.append(self.new_event(name, value, psp or self.ids.psp(), ts, key, success))

    # --- amounts and the event log entry ---------------------------------------------------------

    def money(self, value: int) -> dict[str, Any]:
        """An Amount of this payment's currency."""
        return {"currency": self.currency, "value": value}

    @property
    def capturable(self) -> int:
        return self.authorized - self.captured - self.cancelled

    @property
    def refundable(self) -> int:
        return self.captured - self.refunded

    def new_event(
        self, name: str, value: int, psp: str, ts: float, key: str | None, success: bool
    ) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "pspReference": psp,
            "name": name,
            "amount": self.money(value),
            "timestamp": iso(ts),
            "idempotencyKey": key,
            "success": success,
        }
