"""The rules' view of recorded exchanges: bodies parsed once, headers by any case, indexes."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import Any

from lib.epayment.models import PaymentState
from lib.exchange import Exchange


@dataclass(frozen=True)
class Thresholds:
    """The numbers behind the timing rules; `scaled()` lets tests run the same rules in ms."""

    first_poll_seconds: float = 5.0  # polling guidelines: first GET about 5 s after create
    poll_interval_seconds: float = 2.0  # ... then about every 2 s
    tolerance: float = 0.5  # a poll sooner than half the guideline counts as too soon
    too_soon_allowed: int = 2  # per payment, before polling.too-frequent speaks up
    polls_after_final_allowed: int = 2  # GETs after a final state (and after each change)
    needless_tokens_allowed: int = 3  # tokens fetched while another had > half its life left
    token_lifetime_seconds: float = 3600.0  # when the token answer does not say (test: 1 hour)
    webhook_ack_seconds: float = 10.0  # a delivery must be answered 2xx within this

    def scaled(self, factor: float) -> Thresholds:
        """Every duration multiplied by `factor` (counts stay as they are)."""
        durations = {f.name for f in fields(self) if f.name.endswith("_seconds")}
        return replace(self, **{name: getattr(self, name) * factor for name in durations})


def parse_json(text: str | None) -> Any:
    if not text or text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


_UNSET: Any = object()


class Seen:
    """One exchange as the rules read it. Bodies are parsed on first use, once.

    Lazy attributes are cached by hand: Python 3.11's cached_property takes a lock on every
    read, which costs seconds over a 100,000-exchange run.
    """

    __slots__ = ("ex", "id", "op", "at", "_headers", "_request", "_response", "_state",
                 "_reference", "_msn", "_error_code")  # fmt: skip

    def __init__(self, ex: Exchange, position: int) -> None:
        self.ex = ex
        self.id = ex.id if ex.id is not None else position
        self.op = ex.operation
        self.at = ex.started_at.timestamp()
        self._headers: dict[str, str] | None = None
        self._request = self._response = self._state = self._reference = _UNSET
        self._msn = self._error_code = _UNSET

    @property
    def headers(self) -> dict[str, str]:
        if self._headers is None:
            self._headers = {k.lower(): v for k, v in self.ex.request_headers.items()}
        return self._headers

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def response_header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.ex.response_headers.items() if k.lower() == wanted), None)

    @property
    def request(self) -> Any:
        if self._request is _UNSET:
            self._request = parse_json(self.ex.request_body)
        return self._request

    @property
    def response(self) -> Any:
        if self._response is _UNSET:
            self._response = parse_json(self.ex.response_body)
        return self._response

    @property
    def reference(self) -> str | None:
        if self._reference is _UNSET:
            value = self.ex.reference
            if not value and isinstance(self.request, dict):
                value = self.request.get("reference")
            self._reference = value if isinstance(value, str) and value else None
        return self._reference

    @property
    def msn(self) -> str | None:
        if self._msn is _UNSET:
            self._msn = self.headers.get("merchant-serial-number")
        return self._msn

    @property
    def status(self) -> int | None:
        return self.ex.status

    @property
    def ok(self) -> bool:
        return self.ex.status is not None and 200 <= self.ex.status < 300

    @property
    def outcome_unknown(self) -> bool:
        """No answer, or a 5xx: the operation may or may not have happened."""
        return self.ex.status is None or self.ex.status >= 500

    @property
    def state(self) -> PaymentState | None:
        """The payment state a successful answer names (GET, capture, refund, cancel)."""
        if self._state is _UNSET:
            body = self.response if self.ok else None
            self._state = PaymentState.parse(body.get("state")) if isinstance(body, dict) else None
        return self._state

    @property
    def is_final(self) -> bool:
        return self.state is not None and self.state.is_final

    @property
    def error_code(self) -> str | None:
        """The ErrorCode of a problem body (`extraDetails`), e.g. "6080"."""
        if self._error_code is _UNSET:
            self._error_code = None
            body = self.response if self.ex.status is not None and self.ex.status >= 400 else None
            details = body.get("extraDetails") if isinstance(body, dict) else None
            for detail in details if isinstance(details, list) else []:
                if isinstance(detail, Mapping) and detail.get("name") == "ErrorCode":
                    self._error_code = str(detail.get("reason"))
                    break
        return self._error_code

    @property
    def path(self) -> str:
        """The URL's path (no scheme, host or query)."""
        url = self.ex.url.split("?", 1)[0]
        start = url.find("/", url.find("//") + 2) if "//" in url else url.find("/")
        return url[start:] if start >= 0 else "/"


class Traffic:
    """A system's exchanges in time order, with the indexes the rules share."""

    def __init__(self, exchanges: Iterable[Exchange], thresholds: Thresholds | None = None):
        items = [Seen(ex, i) for i, ex in enumerate(exchanges)]
        items.sort(key=lambda s: (s.at, s.id))
        self.seen = items
        self.thresholds = thresholds or Thresholds()

    @cached_property
    def by_op(self) -> dict[str, list[Seen]]:
        index: dict[str, list[Seen]] = defaultdict(list)
        for s in self.seen:
            index[s.op].append(s)
        return index

    def of(self, *operations: str) -> list[Seen]:
        """Exchanges of these operations, in time order."""
        if len(operations) == 1:
            return self.by_op.get(operations[0], [])
        wanted = set(operations)
        return [s for s in self.seen if s.op in wanted]

    @cached_property
    def by_payment(self) -> dict[tuple[str | None, str], list[Seen]]:
        """(MSN, reference) -> every exchange about that payment, in time order."""
        index: dict[tuple[str | None, str], list[Seen]] = defaultdict(list)
        for s in self.seen:
            if s.reference is not None and s.op not in ("webhook_attempt", "webhook_probe"):
                index[(s.msn, s.reference)].append(s)
        return index
