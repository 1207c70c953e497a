"""Filters over the evidence (exchanges and runs) as SQL conditions, and a page of results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from lib.recorder.schema import exchanges, runs

STATUS_CLASSES = ("2xx", "3xx", "4xx", "5xx", "no response")


@dataclass(frozen=True)
class RunFilter:
    """Runs by who and where; an empty tuple means "any"."""

    persons: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    msns: tuple[str, ...] = ()
    label_contains: str = ""

    @property
    def empty(self) -> bool:
        return not (self.persons or self.hosts or self.targets or self.msns or self.label_contains)

    def condition(self) -> ColumnElement[bool]:
        parts: list[ColumnElement[bool]] = []
        for column, values in (
            (runs.c.person, self.persons),
            (runs.c.host, self.hosts),
            (runs.c.target, self.targets),
            (runs.c.msn, self.msns),
        ):
            if values:
                parts.append(column.in_(values))
        if self.label_contains:
            parts.append(runs.c.label.contains(self.label_contains, autoescape=True))
        return and_(true(), *parts)


@dataclass(frozen=True)
class ExchangeFilter:
    """Which exchanges: runs (None = every run), then the Request log's filters.

    Each tuple means "any of these"; an empty one filters nothing. `who` narrows to the runs
    of some persons, hosts, targets or MSNs (the run's own who/where).
    """

    run_ids: tuple[str, ...] | None = None
    steps: tuple[str, ...] = ()
    status_classes: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    msns: tuple[str, ...] = ()
    reference: str | None = None  # exact match (indexed)
    reference_contains: str = ""
    who: RunFilter = field(default_factory=RunFilter)
    since: datetime | None = None

    def condition(self) -> ColumnElement[bool]:
        e = exchanges.c
        parts: list[ColumnElement[bool]] = []
        if self.run_ids is not None:
            parts.append(e.run_id.in_(self.run_ids) if self.run_ids else false())
        for column, values in (
            (e.step, self.steps),
            (e.operation, self.operations),
            (e.target, self.targets),
            (e.msn, self.msns),
        ):
            if values:
                parts.append(column.in_(values))
        if self.status_classes:
            parts.append(or_(*(status_condition(c) for c in self.status_classes)))
        if self.reference is not None:
            parts.append(e.reference == self.reference)
        if self.reference_contains:
            parts.append(e.reference.contains(self.reference_contains, autoescape=True))
        if not self.who.empty:
            parts.append(e.run_id.in_(select(runs.c.id).where(self.who.condition())))
        if self.since is not None:
            parts.append(e.started_at >= self.since)
        return and_(true(), *parts)


def status_condition(status_class: str) -> ColumnElement[bool]:
    """`2xx` as a range on the status column (indexed), `no response` as NULL."""
    status = exchanges.c.status
    if status_class == "no response":
        return status.is_(None)
    if len(status_class) == 3 and status_class.endswith("xx") and status_class[0].isdigit():
        low = int(status_class[0]) * 100
        return and_(status >= low, status < low + 100)
    raise ValueError(f"Unknown status class {status_class!r}; use one of {STATUS_CLASSES}.")


@dataclass(frozen=True)
class Page:
    """A page of exchanges (newest first, without bodies) and the counts around it."""

    rows: Sequence[Any]  # lib.exchange.Exchange, headers and bodies left empty
    total: int  # exchanges matching the filter
    offset: int
    limit: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit)) if self.limit else 1
