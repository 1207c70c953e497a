"""What a receiver keeps: each delivery with its verdict, and the verified ePayment events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lib.webhooks.signature import Outcome

# ePayment webhook event types (reference §10, WHDOC events.md).
EPAYMENT_EVENT_NAMES = (
    "CREATED",
    "ABORTED",
    "EXPIRED",
    "CANCELLED",
    "CAPTURED",
    "REFUNDED",
    "AUTHORIZED",
    "TERMINATED",
)
EPAYMENT_EVENTS = tuple(f"epayments.payment.{n.lower()}.v1" for n in EPAYMENT_EVENT_NAMES)


def event_type(name: str) -> str:
    """`AUTHORIZED` -> `epayments.payment.authorized.v1` (the name used when registering)."""
    return f"epayments.payment.{name.lower()}.v1"


@dataclass(frozen=True)
class ReceivedEvent:
    """One verified, first-seen ePayment event, with when it arrived here."""

    name: str  # e.g. "AUTHORIZED"
    reference: str | None
    psp_reference: str | None  # the event's own pspReference (not the payment's)
    received_at: datetime
    msn: str | None = None
    amount: dict[str, Any] | None = None
    success: bool | None = None
    timestamp: str | None = None  # when the event happened, as the sender stamped it
    idempotency_key: str | None = None
    registration_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_payload(
        cls, payload: dict[str, Any], received_at: datetime, registration_id: str | None = None
    ) -> ReceivedEvent:
        def text(key: str) -> str | None:
            value = payload.get(key)
            return None if value is None else str(value)

        amount = payload.get("amount")
        success = payload.get("success")
        return cls(
            name=str(payload.get("name") or ""),
            reference=text("reference"),
            psp_reference=text("pspReference"),
            received_at=received_at,
            msn=text("msn"),
            amount=amount if isinstance(amount, dict) else None,
            success=success if isinstance(success, bool) else None,
            timestamp=text("timestamp"),
            idempotency_key=text("idempotencyKey"),
            registration_id=registration_id,
            payload=payload,
        )

    @property
    def dedupe_key(self) -> tuple[str, str] | None:
        # The documented advice: dedupe on the event's pspReference + name.
        return (self.psp_reference, self.name) if self.psp_reference else None


@dataclass(frozen=True)
class Delivery:
    """One POST that reached the receiver, valid or not, and what it was answered."""

    received_at: datetime
    url: str  # the receiver URL it was posted to
    outcome: Outcome
    reason: str
    status: int  # the HTTP status answered
    duplicate: bool = False
    accepted: bool = False  # verified, answered 2xx and kept (duplicates included)
    registration_id: str | None = None
    event: ReceivedEvent | None = None  # set when verified and parsed
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    body: bytes = field(default=b"", repr=False)

    @property
    def verified(self) -> bool:
        return self.outcome is Outcome.VERIFIED

    @property
    def reference(self) -> str | None:
        return self.event.reference if self.event else None
