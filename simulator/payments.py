"""The Payment model: amounts, state, event log and its JSON views (GET, modification, control)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.clock import iso

FINAL_STATES = frozenset({"ABORTED", "EXPIRED", "TERMINATED"})


@dataclass
class Payment:
    """One payment of one sales unit. Only EPaymentBackend changes it, through its record method."""

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
    events: list[dict[str, Any]] = field(default_factory=list)

    def _amount(self, value: int) -> dict[str, Any]:
        return {"currency": self.currency, "value": value}

    @property
    def capturable(self) -> int:
        return self.authorized - self.captured - self.cancelled

    @property
    def refundable(self) -> int:
        return self.captured - self.refunded

    def aggregate(self) -> dict[str, Any]:
        return {
            "authorizedAmount": self._amount(self.authorized),
            "cancelledAmount": self._amount(self.cancelled),
            "capturedAmount": self._amount(self.captured),
            "refundedAmount": self._amount(self.refunded),
        }

    def to_get_json(self) -> dict[str, Any]:
        """GetPaymentResponse (spec 1.8.1)."""
        method: dict[str, Any] = {"type": self.payment_method_type}
        if self.card_bin:
            method["cardBin"] = self.card_bin
        body: dict[str, Any] = {
            "aggregate": self.aggregate(),
            "amount": self._amount(self.value),
            "state": self.state,
            "paymentMethod": method,
            "profile": {"sub": self.sub} if self.sub and self.state == "AUTHORIZED" else {},
            "pspReference": self.psp_reference,
            "reference": self.reference,
        }
        if self.redirect_url:
            body["redirectUrl"] = self.redirect_url
        if self.metadata is not None:
            body["metadata"] = self.metadata
        return body

    def to_modification_json(self) -> dict[str, Any]:
        """ModificationResponse of cancel/capture/refund (pspReference is the CREATED one)."""
        return {
            "amount": self._amount(self.value),
            "state": self.state,
            "aggregate": self.aggregate(),
            "pspReference": self.psp_reference,
            "reference": self.reference,
        }

    def to_control_json(self, base_url: str = "") -> dict[str, Any]:
        """The control plane's summary: what a tester needs to see and act on, no secrets.
        `landingUrl` opens the simulated app for every flow, PUSH_MESSAGE included."""
        return {
            "landingUrl": f"{base_url}/landing?token={self.landing_token}",
            "merchantSerialNumber": self.msn,
            "reference": self.reference,
            "state": self.state,
            "userFlow": self.user_flow,
            "amount": self._amount(self.value),
            "aggregate": self.aggregate(),
            "paymentDescription": self.description,
            "pspReference": self.psp_reference,
            "redirectUrl": self.redirect_url,
            "returnUrl": self.return_url,
            "createdAt": iso(self.created_at),
            "expiresAt": iso(self.expires_at),
            "events": len(self.events),
        }

    def new_event(
        self, name: str, value: int, psp: str, ts: float, key: str | None, success: bool
    ) -> dict[str, Any]:
        event: dict[str, Any] = {
            "reference": self.reference,
            "pspReference": psp,
            "name": name,
            "amount": self._amount(value),
            "timestamp": iso(ts),
            "idempotencyKey": key,
            "success": success,
        }
        return event
