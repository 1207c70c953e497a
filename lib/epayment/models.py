"""Typed payments: states, money, the aggregate, payments, events and the result of every call.

The client hands these out; flow, checklist, webhooks, QA, report and UI read them instead of
looking up JSON by string. Each typed object keeps the JSON it was parsed from in `raw`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from lib.epayment.money import to_major
from lib.exchange import Exchange


class PaymentState(StrEnum):
    """The five states of the spec; CAPTURED/REFUNDED/CANCELLED are events, not states."""

    CREATED = "CREATED"
    AUTHORIZED = "AUTHORIZED"
    ABORTED = "ABORTED"
    EXPIRED = "EXPIRED"
    TERMINATED = "TERMINATED"

    @property
    def is_final(self) -> bool:
        # AUTHORIZED is final too: capture/refund/cancel change the aggregate, never the state.
        return self is not PaymentState.CREATED

    @classmethod
    def parse(cls, value: object) -> PaymentState | None:
        """The state named by `value`, or None for anything that is not one of the five."""
        return cls(value) if isinstance(value, str) and value in cls.__members__ else None


FINAL_STATES: frozenset[PaymentState] = frozenset(s for s in PaymentState if s.is_final)


class EventName(StrEnum):
    """Names in the event log and in webhooks (`epayments.payment.<name>.v1`)."""

    CREATED = "CREATED"
    AUTHORIZED = "AUTHORIZED"
    ABORTED = "ABORTED"
    EXPIRED = "EXPIRED"
    TERMINATED = "TERMINATED"
    CANCELLED = "CANCELLED"
    CAPTURED = "CAPTURED"
    REFUNDED = "REFUNDED"

    @classmethod
    def parse(cls, value: object) -> EventName | None:
        return cls(value) if isinstance(value, str) and value in cls.__members__ else None


@dataclass(frozen=True, order=True)
class Money:
    """An amount in minor units (øre, cents) with its currency; `str()` reads 'NOK 10.50'."""

    value: int
    currency: str = "NOK"

    @classmethod
    def from_json(cls, data: object, currency: str = "NOK") -> Money:
        """`{"currency": "NOK", "value": 1050}`; anything malformed counts as 0 in `currency`."""
        if not isinstance(data, Mapping):
            return cls(0, currency)
        value = data.get("value")
        minor = value if isinstance(value, int) and not isinstance(value, bool) else 0
        return cls(minor, str(data.get("currency") or currency))

    @property
    def major(self) -> Decimal:
        return to_major(self.value)

    def to_json(self) -> dict[str, Any]:
        return {"currency": self.currency, "value": self.value}

    def __str__(self) -> str:
        return f"{self.currency} {self.major:,.2f}"

    def __bool__(self) -> bool:
        return self.value != 0

    def __add__(self, other: Money) -> Money:
        return Money(self.value + other.value, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.value - other.value, self.currency)


@dataclass(frozen=True)
class Aggregate:
    """What happened to the money so far; capturable and refundable are derived, never stored."""

    authorized: Money
    captured: Money
    refunded: Money
    cancelled: Money

    @classmethod
    def from_json(cls, data: object, currency: str = "NOK") -> Aggregate:
        part = data if isinstance(data, Mapping) else {}

        def money(name: str) -> Money:
            return Money.from_json(part.get(f"{name}Amount"), currency)

        return cls(money("authorized"), money("captured"), money("refunded"), money("cancelled"))

    @classmethod
    def empty(cls, currency: str = "NOK") -> Aggregate:
        zero = Money(0, currency)
        return cls(zero, zero, zero, zero)

    @property
    def capturable(self) -> Money:
        left = self.authorized - self.captured - self.cancelled
        return Money(max(left.value, 0), self.authorized.currency)

    @property
    def refundable(self) -> Money:
        left = self.captured - self.refunded
        return Money(max(left.value, 0), self.captured.currency)


@dataclass(frozen=True)
class Payment:
    """A payment as GET /payments/{reference} (or a modification's answer) describes it.

    `state` is None only when the answer named no known state (a partial or foreign body).
    """

    reference: str
    state: PaymentState | None
    amount: Money
    aggregate: Aggregate
    psp_reference: str | None = None
    redirect_url: str | None = None
    payment_method: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Payment:
        amount = Money.from_json(data.get("amount"))
        aggregate = Aggregate.from_json(data.get("aggregate"), amount.currency)
        if not data.get("amount"):
            amount = Money(aggregate.authorized.value, aggregate.authorized.currency)
        method = data.get("paymentMethod")
        method_type = method.get("type") if isinstance(method, Mapping) else None
        return cls(
            reference=str(data.get("reference") or ""),
            state=PaymentState.parse(data.get("state")),
            amount=amount,
            aggregate=aggregate,
            psp_reference=_str_or_none(data.get("pspReference")),
            redirect_url=_str_or_none(data.get("redirectUrl")),
            payment_method=_str_or_none(method_type),
            raw=data,
        )

    @property
    def currency(self) -> str:
        return self.amount.currency

    @property
    def is_final(self) -> bool:
        return self.state is not None and self.state.is_final


@dataclass(frozen=True)
class PaymentEvent:
    """One entry of the event log (`GET .../events`) or one webhook's payload."""

    reference: str
    name: EventName | None
    amount: Money
    timestamp: datetime | None
    success: bool
    psp_reference: str | None = None
    idempotency_key: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PaymentEvent:
        return cls(
            reference=str(data.get("reference") or ""),
            name=EventName.parse(data.get("name")),
            amount=Money.from_json(data.get("amount")),
            timestamp=parse_timestamp(data.get("timestamp")),
            success=data.get("success") is not False,
            psp_reference=_str_or_none(data.get("pspReference")),
            idempotency_key=_str_or_none(data.get("idempotencyKey")),
            raw=data,
        )


def parse_timestamp(value: object) -> datetime | None:
    """ISO 8601 with 'Z' or an offset; None for anything else."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def payment_from(data: object) -> Payment | None:
    """A Payment from a JSON body that describes one (has a state or an aggregate), else None."""
    if isinstance(data, Mapping) and ("state" in data or "aggregate" in data):
        return Payment.from_json(data)
    return None


def events_from(data: object) -> list[PaymentEvent]:
    """The typed event log from a JSON list (anything else gives no events)."""
    if not isinstance(data, list):
        return []
    return [PaymentEvent.from_json(item) for item in data if isinstance(item, Mapping)]


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class ApiResult:
    """One successful operation: status, parsed JSON (None for no body), and its evidence.

    `payment` and `events` are the typed views of `data`; `data` stays as it was received.
    """

    status: int
    data: Any
    reference: str | None
    idempotency_key: str | None
    exchange: Exchange

    @property
    def payment(self) -> Payment | None:
        """The payment the body describes (get, create's 201 has none, capture/refund/cancel)."""
        return payment_from(self.data)

    @property
    def events(self) -> list[PaymentEvent]:
        """The event log, for get_payment_event_log results."""
        return events_from(self.data)

    @property
    def state(self) -> PaymentState | None:
        """The payment state in `data`, when the response carries one."""
        data = self.data
        return PaymentState.parse(data.get("state")) if isinstance(data, Mapping) else None
