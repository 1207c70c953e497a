"""Scenarios as data: named steps, each with its expected outcome (status, ErrorCode, state)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from lib.epayment.models import (
    Aggregate,
    EventName,
    Money,
    Payment,
    PaymentEvent,
    PaymentState,
    events_from,
    payment_from,
)

if TYPE_CHECKING:
    from lib.qa.context import Context


@dataclass
class Observed:
    """What one step saw: the last call's status and body, or the error it got."""

    status: int | None = None
    data: Any = None  # the body as received; `payment` and `events` are its typed views
    error_code: str | None = None
    message: str = ""  # the client's error message, when the call was refused

    @property
    def payment(self) -> Payment | None:
        return payment_from(self.data)

    @property
    def events(self) -> list[PaymentEvent]:
        return events_from(self.data)

    @property
    def state(self) -> PaymentState | None:
        return self.payment.state if self.payment else None


@dataclass(frozen=True)
class Expect:
    """The outcome a step must see. Unset fields are not checked."""

    status: int | tuple[int, ...] | None = None
    error_code: str | None = None
    state: PaymentState | None = None
    redirect: bool | None = None  # a redirectUrl in the body (create), or none (PUSH_MESSAGE)
    # Minor units per Aggregate field, e.g. {"cancelled": 750}: the payment's aggregate must say so.
    aggregate: Mapping[str, int] = field(default_factory=dict)
    events: tuple[EventName, ...] = ()  # event names that must appear in an events response
    once: tuple[EventName, ...] = ()  # event names that must appear exactly once

    def __post_init__(self) -> None:
        # Names given as plain strings ("AUTHORIZED") become the typed ones; a typo fails here.
        if self.state is not None:
            object.__setattr__(self, "state", PaymentState(self.state))
        object.__setattr__(self, "events", tuple(map(EventName, self.events)))
        object.__setattr__(self, "once", tuple(map(EventName, self.once)))
        unknown = set(self.aggregate) - {f.name for f in fields(Aggregate)}
        if unknown:
            raise ValueError(f"not fields of Aggregate: {', '.join(sorted(unknown))}")

    def problems(self, seen: Observed) -> list[str]:
        """Every way `seen` differs from this expectation; empty when the step passed."""
        out: list[str] = []
        wanted = (self.status,) if isinstance(self.status, int) else self.status
        if wanted and seen.status not in wanted:
            out.append(f"status {seen.status}, expected {' or '.join(map(str, wanted))}")
        if self.error_code and seen.error_code != self.error_code:
            out.append(f"ErrorCode {seen.error_code}, expected {self.error_code}")
        if self.state and seen.state is not self.state:
            out.append(f"state {seen.state}, expected {self.state}")
        if self.redirect is not None:
            has = isinstance(seen.data, dict) and bool(seen.data.get("redirectUrl"))
            if has != self.redirect:
                out.append(
                    "redirectUrl " + ("missing" if self.redirect else "present, expected none")
                )
        out += self._aggregate_problems(seen)
        out += self._event_problems(seen)
        return out

    def _aggregate_problems(self, seen: Observed) -> list[str]:
        if not self.aggregate:
            return []
        payment = seen.payment
        if payment is None:
            return [
                f"no payment in the answer, expected {name} {v}"
                for name, v in self.aggregate.items()
            ]
        out = []
        for name, value in self.aggregate.items():
            got: Money = getattr(payment.aggregate, name)
            if got.value != value:
                out.append(f"{name} {got}, expected {Money(value, got.currency)}")
        return out

    def _event_problems(self, seen: Observed) -> list[str]:
        if not (self.events or self.once):
            return []
        counts = Counter(e.name for e in seen.events)
        out = [f"no {name} event" for name in self.events if not counts[name]]
        out += [f"{counts[n]} {n} events, expected one" for n in self.once if counts[n] != 1]
        return out


Action = Callable[["Context"], Observed]


@dataclass(frozen=True)
class Step:
    name: str  # short, unique within its scenario, e.g. "capture-partial"
    action: Action
    expect: Expect = field(default_factory=Expect)
    user: str | None = None  # the user's part ("approve", "reject", "expire"), None for API calls


@dataclass(frozen=True)
class Scenario:
    name: str  # snake_case id, used in exchange steps ("scenario:step") and hints
    title: str
    steps: tuple[Step, ...]
    proves: tuple[str, ...] = ()  # checklist item ids this scenario provides evidence for
    code: str = ""  # short tag for references (letters, digits, hyphens)

    def __post_init__(self) -> None:
        names = [s.name for s in self.steps]
        if len(set(names)) != len(names):
            raise ValueError(f"scenario {self.name}: step names must be unique: {names}")
