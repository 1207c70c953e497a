"""Capture, refund, cancel and force approve: the money-moving operations of EPaymentBackend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator import exceptions as ex
from simulator.requests_parsing import parse_cancel, parse_force_approve, parse_modification

if TYPE_CHECKING:
    from simulator.models import EPaymentBackend
    from simulator.payments import Payment

# Refund amounts that fail in the test environment (reference §9). How they surface is
# UNCONFIRMED: here the refund is refused and the log gets a REFUNDED event with success false.
REFUND_FAILURES: dict[int, tuple[type[ex.DomainError], str]] = {
    123: (
        ex.RefundNotPossible,
        "The refund cannot be made (test amount 123: no receiving account).",
    ),
    124: (ex.RefundPeriodExpired, "The refund period has expired (test amount 124)."),
}


class ModificationsMixin:
    """capture_payment, refund_payment, cancel_payment and force_approve."""

    def capture_payment(
        self: EPaymentBackend, msn: str, reference: str, body: Any, idempotency_key: str
    ) -> dict[str, Any]:
        """capturePayment. Which code wins when several apply is UNCONFIRMED: the order is state,
        nothing left (6170 fully captured / 6070 remainder cancelled), 6140, then 6090."""
        with self._lock:
            return self._idem.run(
                ("capture_payment", msn, reference, idempotency_key),
                body,
                lambda: ex.CaptureIdempotencyConflict(
                    f"Idempotency-Key `{idempotency_key}` was used for another capture request."
                ),
                lambda: self._capture(self._find(msn, reference), body, idempotency_key),
            )

    def _capture(self: EPaymentBackend, p: Payment, body: Any, key: str) -> dict[str, Any]:
        value = parse_modification(body, p.currency)
        if p.state == "CREATED":
            raise ex.CaptureBeforeReservation(
                "The amount you tried to capture is not reserved. "
                "The user must accept the payment before capture can be done."
            )
        if p.state != "AUTHORIZED":
            raise ex.CannotBeCaptured(f"A payment in state {p.state} cannot be captured.")
        if p.capturable == 0:
            if p.cancelled:
                raise ex.CannotCaptureCancelled(
                    "The remaining amount of the payment was cancelled."
                )
            raise ex.AlreadyCaptured("The full amount of the payment has already been captured.")
        unit = self.sales_unit(p.msn)
        if not unit.allow_partial_capture and (p.captured or value != p.authorized):
            raise ex.MustCaptureFullAmount("This sales unit must capture the full amount at once.")
        if value > p.capturable:
            raise ex.CaptureAmountTooHigh(
                f"Capture amount {value} is higher than the capturable amount {p.capturable}."
            )
        self._record(p, "CAPTURED", value, key=key, amount_field="captured")
        return p.to_modification_json()

    def refund_payment(
        self: EPaymentBackend, msn: str, reference: str, body: Any, idempotency_key: str
    ) -> dict[str, Any]:
        """refundPayment: up to captured - refunded, repeatedly."""
        with self._lock:
            return self._idem.run(
                ("refund_payment", msn, reference, idempotency_key),
                body,
                lambda: ex.RefundIdempotencyConflict(
                    f"Idempotency-Key `{idempotency_key}` was used for another refund request."
                ),
                lambda: self._refund(self._find(msn, reference), body, idempotency_key),
            )

    def _refund(self: EPaymentBackend, p: Payment, body: Any, key: str) -> dict[str, Any]:
        value = parse_modification(body, p.currency)
        if p.state == "CREATED":
            raise ex.RefundBeforeReservation("The payment must be authorized and captured first.")
        if p.state != "AUTHORIZED":
            raise ex.CannotBeRefunded(f"A payment in state {p.state} cannot be refunded.")
        if p.captured and p.refundable == 0:
            raise ex.AlreadyRefunded("The captured amount has already been refunded in full.")
        if value > p.refundable:
            raise ex.NotEnoughRefundable(
                f"Refund amount {value} is higher than the refundable amount {p.refundable}."
            )
        failure = REFUND_FAILURES.get(value)
        if failure is not None:
            self._record(p, "REFUNDED", value, key=key, success=False)
            raise failure[0](failure[1])
        self._record(p, "REFUNDED", value, key=key, amount_field="refunded")
        return p.to_modification_json()

    def cancel_payment(
        self: EPaymentBackend,
        msn: str,
        reference: str,
        body: Any = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """cancelPayment. Before approval -> TERMINATED (cancelledAmount = amount); after approval
        the whole remainder is cancelled and the state stays AUTHORIZED. Idempotency-Key is
        optional in 1.8.1 but honoured when sent. A second cancel (nothing left) gives 6190
        (UNCONFIRMED: 6050 is also plausible)."""
        with self._lock:
            if idempotency_key is None:
                return self._cancel(self._find(msn, reference), body, None)
            return self._idem.run(
                ("cancel_payment", msn, reference, idempotency_key),
                body,
                lambda: ex.IdempotencyError(
                    f"Idempotency-Key `{idempotency_key}` was used for another cancel request."
                ),
                lambda: self._cancel(self._find(msn, reference), body, idempotency_key),
            )

    def _cancel(self: EPaymentBackend, p: Payment, body: Any, key: str | None) -> dict[str, Any]:
        transaction_only = parse_cancel(body)
        if p.state == "CREATED":
            self._record(
                p, "TERMINATED", p.value, key=key, state="TERMINATED", amount_field="cancelled"
            )
            return p.to_modification_json()
        if p.state != "AUTHORIZED":
            raise ex.CannotBeCancelled(f"A payment in state {p.state} cannot be cancelled.")
        if transaction_only:
            raise ex.CannotCancelAuthorized(
                "cancelTransactionOnly is set and the payment is authorized; nothing was cancelled."
            )
        if p.captured >= p.authorized:
            raise ex.CannotCancelCaptured(
                "The payment is fully captured; there is nothing to cancel."
            )
        if p.capturable == 0:
            raise ex.CannotBeCancelled("The remaining amount of the payment is already cancelled.")
        self._record(p, "CANCELLED", p.capturable, key=key, amount_field="cancelled")
        return p.to_modification_json()

    def force_approve(self: EPaymentBackend, msn: str, reference: str, body: Any = None) -> None:
        """forceApprove (test only): CREATED -> AUTHORIZED at once. Magic card amounts are not
        applied (the docs say force approve does not support them). `token` must match the
        payment's redirectUrl token when sent."""
        customer, token = parse_force_approve(body)
        with self._lock:
            p = self._find(msn, reference)
            if token is not None and token != p.landing_token:
                raise ex.ApproveFailed("The token does not belong to this payment.")
            if p.state == "AUTHORIZED":
                raise ex.AlreadyReserved("The payment is already authorized.")
            if p.state != "CREATED":
                raise ex.ApproveNotAllowed(f"A payment in state {p.state} cannot be approved.")
            if customer and p.customer is None:
                p.customer = customer
            self._authorize(p)
