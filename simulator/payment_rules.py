"""Which DomainError refuses an operation on a payment, in order, before anything changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator import exceptions as ex

if TYPE_CHECKING:
    from simulator.payments import Payment


def check_capture(p: Payment, value: int, allow_partial: bool) -> None:
    """capturePayment. Which code wins when several apply is UNCONFIRMED: the order is state,
    nothing left (6170 fully captured / 6070 remainder cancelled), 6140, then 6090."""
    if p.state == "CREATED":
        raise ex.CaptureBeforeReservation(
            "The amount you tried to capture is not reserved. "
            "The user must accept the payment before capture can be done."
        )
    if p.state != "AUTHORIZED":
        raise ex.CannotBeCaptured(f"A payment in state {p.state} cannot be captured.")
    if p.capturable == 0:
        if p.cancelled:
            raise ex.CannotCaptureCancelled("The remaining amount of the payment was cancelled.")
        raise ex.AlreadyCaptured("The full amount of the payment has already been captured.")
    if not allow_partial and (p.captured or value != p.authorized):
        raise ex.MustCaptureFullAmount("This sales unit must capture the full amount at once.")
    if value > p.capturable:
        raise ex.CaptureAmountTooHigh(
            f"Capture amount {value} is higher than the capturable amount {p.capturable}."
        )


def check_refund(p: Payment, value: int) -> None:
    """refundPayment: up to captured - refunded (the magic failing amounts are the payment's,
    as they log an event before refusing)."""
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


def check_cancel_after_approval(p: Payment, transaction_only: bool) -> None:
    """cancelPayment once past CREATED. A second cancel (nothing left) gives 6190
    (UNCONFIRMED: 6050 is also plausible)."""
    if p.state != "AUTHORIZED":
        raise ex.CannotBeCancelled(f"A payment in state {p.state} cannot be cancelled.")
    if transaction_only:
        raise ex.CannotCancelAuthorized(
            "cancelTransactionOnly is set and the payment is authorized; nothing was cancelled."
        )
    if p.captured >= p.authorized:
        raise ex.CannotCancelCaptured("The payment is fully captured; there is nothing to cancel.")
    if p.capturable == 0:
        raise ex.CannotBeCancelled("The remaining amount of the payment is already cancelled.")


def check_force_approve(p: Payment, token: str | None) -> None:
    """forceApprove: `token`, when sent, must be the payment's redirectUrl token."""
    if token is not None and token != p.landing_token:
        raise ex.ApproveFailed("The token does not belong to this payment.")
    if p.state == "AUTHORIZED":
        raise ex.AlreadyReserved("The payment is already authorized.")
    if p.state != "CREATED":
        raise ex.ApproveNotAllowed(f"A payment in state {p.state} cannot be approved.")


def check_created(p: Payment) -> None:
    """The user's side (approve, reject, expire) acts only on a CREATED payment."""
    if p.state == "AUTHORIZED":
        raise ex.AlreadyReserved("The payment is already authorized.")
    if p.state != "CREATED":
        raise ex.ApproveNotAllowed(f"The payment is already {p.state}.")
