"""What the payer does in the (simulated) app: approve, reject, or let the payment expire."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator import exceptions as ex

if TYPE_CHECKING:
    from simulator.models import EPaymentBackend
    from simulator.payments import Payment

# Card outcomes of the test environment's special amounts (reference §9). How they surface in
# ePayment is UNCONFIRMED; here the user's approval fails: an AUTHORIZED event with success false,
# then ABORTED. 201 ("unknown result for 1 hour") is not simulated.
DECLINED_AMOUNTS: dict[int, str] = {
    151: "insufficient funds",
    182: "refused by issuer",
    183: "suspected fraud",
    184: "withdrawal limit exceeded",
    186: "expired card",
    187: "invalid card",
    197: "3-D Secure denied",
    202: "SCA required",
}
TEST_CARD_BIN = "429198"  # observed after force approve in the test environment


class UserActionsMixin:
    """approve / reject / expire by (msn, reference), and the landing token lookup."""

    def _authorize(self: EPaymentBackend, p: Payment) -> None:
        p.card_bin = TEST_CARD_BIN
        if p.profile_scope:
            p.sub = self._new_uuid()
        create_key = p.events[0]["idempotencyKey"] if p.events else None
        self._record(
            p, "AUTHORIZED", p.value, key=create_key, state="AUTHORIZED", amount_field="authorized"
        )

    def _user_approve(self: EPaymentBackend, p: Payment) -> None:
        if p.value in DECLINED_AMOUNTS:
            self._record(p, "AUTHORIZED", p.value, success=False)
            self._record(p, "ABORTED", p.value, state="ABORTED")
            return
        self._authorize(p)

    def _created(self: EPaymentBackend, msn: str, reference: str) -> Payment:
        p = self._find(msn, reference)
        if p.state == "AUTHORIZED":
            raise ex.AlreadyReserved("The payment is already authorized.")
        if p.state != "CREATED":
            raise ex.ApproveNotAllowed(f"The payment is already {p.state}.")
        return p

    def approve(self: EPaymentBackend, msn: str, reference: str) -> str:
        """The user approves in the app. Returns the state after (ABORTED for declined amounts)."""
        with self._lock:
            p = self._created(msn, reference)
            self._user_approve(p)
            return p.state

    def reject(self: EPaymentBackend, msn: str, reference: str) -> str:
        """The user rejects (or leaves the landing page): ABORTED."""
        with self._lock:
            p = self._created(msn, reference)
            self._record(p, "ABORTED", p.value, state="ABORTED")
            return p.state

    def expire(self: EPaymentBackend, msn: str, reference: str) -> str:
        """Nobody acted in time: EXPIRED now, without moving the clock."""
        with self._lock:
            p = self._created(msn, reference)
            self._record(p, "EXPIRED", p.value, state="EXPIRED")
            return p.state

    def payment_for_token(self: EPaymentBackend, token: str) -> Payment | None:
        """The payment behind a redirectUrl token (landing page, QR image), refreshed."""
        with self._lock:
            key = self._by_token.get(token)
            if key is None:
                return None
            p = self._payments[key]
            self._refresh(p)
            return p
