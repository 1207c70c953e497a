"""Logged exchanges as typed evidence: the one place recorded bodies are parsed."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lib.epayment.calls import EPAYMENT_OPERATIONS
from lib.epayment.models import (
    EventName,
    Money,
    Payment,
    PaymentEvent,
    PaymentState,
    events_from,
    payment_from,
)
from lib.exchange import Exchange


def parse_json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None  # a non-JSON body proves nothing; never fail the whole evaluation on it


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value whatever the case of its name (HTTP names are case-insensitive)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


class Entry:
    """One exchange; its bodies are parsed on first use, once (most rules look at few of them).

    Compared by identity, so membership tests stay cheap on 100,000-row logs.
    """

    def __init__(self, ex: Exchange) -> None:
        self.ex = ex

    @cached_property
    def request(self) -> Any:
        return parse_json(self.ex.request_body)

    @cached_property
    def response(self) -> Any:
        return parse_json(self.ex.response_body)

    @property
    def op(self) -> str:
        return self.ex.operation

    def ok(self, operation: str, status: int | None = None) -> bool:
        """The exchange is `operation` and succeeded (2xx, or exactly `status`)."""
        if self.ex.operation != operation or self.ex.status is None:
            return False
        return self.ex.status == status if status else 200 <= self.ex.status < 300

    @property
    def reference(self) -> str | None:
        if self.ex.reference:
            return self.ex.reference
        for body in (self.response, self.request):
            if isinstance(body, dict) and isinstance(body.get("reference"), str):
                return body["reference"]
        return None

    def resp(self, *path: str) -> Any:
        return dig(self.response, *path)

    def req(self, *path: str) -> Any:
        return dig(self.request, *path)

    @cached_property
    def payment(self) -> Payment | None:
        """The payment the response describes (GET, capture, refund, cancel), else None."""
        return payment_from(self.response)

    @property
    def state(self) -> PaymentState | None:
        return self.payment.state if self.payment else None

    @cached_property
    def events(self) -> list[PaymentEvent]:
        """The typed event log of a successful events call (empty for anything else)."""
        return events_from(self.response) if self.ok("get_payment_event_log") else []

    @cached_property
    def event_names(self) -> frozenset[EventName]:
        return frozenset(e.name for e in self.events if e.name is not None)

    @property
    def modification(self) -> Money | None:
        """The amount a capture or refund asked for (`modificationAmount`), None when absent."""
        amount = self.req("modificationAmount")
        return Money.from_json(amount) if isinstance(amount, Mapping) else None

    @cached_property
    def error_code(self) -> str | None:
        """The domain ErrorCode of a problem body (`extraDetails`), e.g. "6080"."""
        for detail in self.resp("extraDetails") or []:
            if isinstance(detail, dict) and detail.get("name") == "ErrorCode":
                return str(detail.get("reason"))
        return None

    @property
    def is_epayment(self) -> bool:
        return self.ex.operation in EPAYMENT_OPERATIONS or "/epayment/" in self.ex.url


@dataclass
class Evidence:
    """What a rule found: the proving entries, and a next step when the item is not proven."""

    proof: list[Entry] = field(default_factory=list)
    hint: str | None = None  # None means the item is met

    @property
    def met(self) -> bool:
        return self.hint is None


def dig(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def entries(exchanges: Iterable[Exchange]) -> list[Entry]:
    return [Entry(ex) for ex in exchanges]
