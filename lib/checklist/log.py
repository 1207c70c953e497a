"""A parsed view of logged exchanges (JSON bodies, headers by any case) for the evidence rules."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lib.exchange import Exchange

EPAYMENT_OPERATIONS = frozenset(
    {
        "create_payment",
        "get_payment",
        "get_payment_event_log",
        "cancel_payment",
        "capture_payment",
        "refund_payment",
        "force_approve",
    }
)
FINAL_STATES = frozenset({"AUTHORIZED", "ABORTED", "EXPIRED", "TERMINATED"})


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

    @classmethod
    def of(cls, ex: Exchange) -> Entry:
        return cls(ex)

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

    @property
    def is_epayment(self) -> bool:
        return self.ex.operation in EPAYMENT_OPERATIONS or "/epayment/" in self.ex.url

    @property
    def event_names(self) -> set[str]:
        """Event names in an events-log response (empty for anything else)."""
        if not self.ok("get_payment_event_log") or not isinstance(self.response, list):
            return set()
        return {e["name"] for e in self.response if isinstance(e, dict) and "name" in e}


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
    return [Entry.of(ex) for ex in exchanges]
