"""What a receiver keeps: each delivery with its verdict, and the verified ePayment events."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from lib.epayment.models import EventName, PaymentEvent
from lib.webhooks.signature import Outcome

# ePayment webhook event types (reference §10): one per event name of the event log.
EPAYMENT_EVENT_NAMES: tuple[EventName, ...] = tuple(EventName)


def event_type(name: str) -> str:
    """`AUTHORIZED` -> `epayments.payment.authorized.v1` (the name used when registering)."""
    return f"epayments.payment.{name.lower()}.v1"


EPAYMENT_EVENTS = tuple(event_type(n) for n in EPAYMENT_EVENT_NAMES)


def short_event(kind: str) -> str:
    """`epayments.payment.authorized.v1` -> `authorized` (lists of event types stay readable)."""
    parts = kind.split(".")
    return parts[2] if len(parts) == 4 else kind


@dataclass(frozen=True, kw_only=True)
class ReceivedEvent(PaymentEvent):
    """One verified, first-seen ePayment event (the event log's shape), and when it arrived.

    `name` is None for a name the event log does not know; `label` is the name as sent.
    """

    received_at: datetime
    msn: str | None = None
    registration_id: str | None = None

    @classmethod
    def from_payload(
        cls, payload: Mapping[str, Any], received_at: datetime, registration_id: str | None = None
    ) -> ReceivedEvent:
        event = PaymentEvent.from_json(payload)
        msn = payload.get("msn")
        return cls(
            **{f.name: getattr(event, f.name) for f in fields(PaymentEvent)},
            received_at=received_at,
            msn=None if msn is None else str(msn),
            registration_id=registration_id,
        )

    @property
    def label(self) -> str:
        return str(self.name or self.raw.get("name") or "")

    @property
    def dedupe_key(self) -> tuple[str, str] | None:
        # The documented advice: dedupe on the event's pspReference + name.
        return (self.psp_reference, self.label) if self.psp_reference else None


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
    body: bytes = field(default=b"", repr=False)  # whole when accepted; else an excerpt
    size: int | None = None  # the body's length as sent, when `body` is only its beginning

    @property
    def verified(self) -> bool:
        return self.outcome is Outcome.VERIFIED

    @property
    def reference(self) -> str | None:
        """The payment of a verified event (what the inbox filters on)."""
        return (self.event.reference or None) if self.event else None

    @property
    def claimed_reference(self) -> str | None:
        """The payment the body names, verified or not (refused ones are shown under it too, as
        refused). Never evidence: the recorder files a refused delivery under no payment."""
        return self.reference if self.event else reference_in(self.body)

    @property
    def verdict(self) -> str:
        """`verified`, `duplicate`, or `refused: <reason>`, as the dashboard's tables say it."""
        if self.duplicate:
            return "duplicate"
        if self.verified and self.accepted:
            return "verified"
        return f"refused: {self.reason}"


def reference_in(body: bytes) -> str | None:
    """The `reference` of a JSON object body, if it names one (None when unreadable)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    value = payload.get("reference") if isinstance(payload, dict) else None
    return str(value) if value is not None else None
