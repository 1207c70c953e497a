"""Checklist evaluation: each item's status (met, rehearsed, stale, missing, manual) from a log."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from lib.checklist import endpoints, quality
from lib.checklist.items import ITEMS, ChecklistItem
from lib.checklist.log import Entry, Evidence, entries
from lib.checklist.targets import NAMES, is_rehearsal, words
from lib.exchange import Exchange

Rule = Callable[[Sequence[Entry]], Evidence]

RULES: dict[str, Rule] = {
    "E1": endpoints.e1_create,
    "E2": endpoints.e2_get,
    "E3": endpoints.e3_events,
    "E4": endpoints.e4_cancel,
    "E5": endpoints.e5_capture,
    "E6": endpoints.e6_refund,
    "Q1": quality.q1_webhooks,
    "Q2": quality.q2_states_events,
    "Q3": quality.q3_errors,
    "Q4": quality.q4_headers,
    "Q5": quality.q5_receipt,
    "P1": quality.p1_reference,
    "P2": quality.p2_polling,
    "G2": quality.g2_production,
    "G3": quality.g3_test,
}


# Q4's proof is every request: keep the lists a table or a JSON file can show (newest last).
MAX_IDS, MAX_REFERENCES = 200, 50


class Status(StrEnum):
    MET = "met"  # proven in the item's environment within max_age_days: evidence for Vipps
    REHEARSED = "rehearsed"  # shown only on the simulator or a custom URL: not evidence for Vipps
    STALE = "stale"  # proven in the item's environment only by exchanges older than max_age_days
    MISSING = "missing"
    MANUAL = "manual"


@dataclass(frozen=True)
class ItemResult:
    item: ChecklistItem
    status: Status
    references: tuple[str, ...] = ()
    exchange_ids: tuple[int, ...] = ()
    targets: tuple[str, ...] = ()  # where the proof came from, e.g. ("simulator",)
    newest: datetime | None = None  # newest proving exchange: the example a checklist would cite
    age: timedelta | None = None  # of the newest proof, at evaluation time
    hint: str | None = None  # the next step when not met
    comment: str = ""
    proof_count: int = 0  # all proving exchanges; the id/reference lists keep the newest only

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.item.id,
            "item": self.item.title,
            "kind": str(self.item.kind),
            "automatic": self.item.automatic,
            "status": str(self.status),
            "references": list(self.references),
            "exchange_ids": list(self.exchange_ids),
            "targets": list(self.targets),
            "newest": self.newest.isoformat() if self.newest else None,
            "age_days": self.age.days if self.age is not None else None,
            "proof_count": self.proof_count,
            "hint": self.hint,
            "comment": self.comment,
        }


@dataclass(frozen=True)
class ChecklistResult:
    items: tuple[ItemResult, ...]
    evaluated_at: datetime
    max_age_days: int
    exchange_count: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    _by_id: dict[str, ItemResult] = field(default_factory=dict, compare=False, repr=False)

    def __getitem__(self, item_id: str) -> ItemResult:
        if not self._by_id:
            self._by_id.update({r.item.id: r for r in self.items})
        return self._by_id[item_id]

    @property
    def automatic(self) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.items if r.item.automatic)

    def having(self, *statuses: Status) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.items if r.status in statuses)

    @property
    def completeness(self) -> float:
        """Share of the automatic items that are met (evidence for Vipps), 0.0–1.0."""
        auto = self.automatic
        return len(self.having(Status.MET)) / len(auto) if auto else 0.0

    @property
    def missing(self) -> tuple[ItemResult, ...]:
        return self.having(Status.MISSING, Status.STALE)

    @property
    def open_items(self) -> tuple[ItemResult, ...]:
        """The automatic items still to prove for Vipps: missing, stale or only rehearsed."""
        return self.having(Status.MISSING, Status.STALE, Status.REHEARSED)

    @property
    def rehearsal_targets(self) -> tuple[str, ...]:
        """The rehearsal targets (simulator, custom) behind the rehearsed items."""
        found = (t for r in self.having(Status.REHEARSED) for t in r.targets if is_rehearsal(t))
        return tuple(dict.fromkeys(found))

    def rows(self) -> list[dict[str, Any]]:
        """One plain dict per item, for a table (pandas, Streamlit, CSV)."""
        return [r.to_dict() for r in self.items]


def evaluate(
    exchanges: Iterable[Exchange],
    *,
    now: datetime,
    max_age_days: int = 30,
    manual_comments: Mapping[str, str] | None = None,
) -> ChecklistResult:
    """Evaluate every checklist item against the log.

    Each rule runs on the item's own environment (test, or production for G2): on the exchanges
    newer than `max_age_days` (met), failing that on all of them (stale). Failing both, it runs on
    them together with the simulator's and custom URLs' exchanges (rehearsed). Composite items (a
    partial AND a full capture) are so judged as a whole, from one kind of evidence.
    """
    comments = manual_comments or {}
    log = sorted(entries(exchanges), key=lambda e: e.ex.started_at)
    cutoff = now - timedelta(days=max_age_days)
    scopes = {env: _Scope.of(log, env, cutoff) for env in {i.environment for i in ITEMS}}
    results = tuple(
        _judge(item, scopes[item.environment], comments.get(item.id, ""), now) for item in ITEMS
    )
    return ChecklistResult(
        items=results,
        evaluated_at=now,
        max_age_days=max_age_days,
        exchange_count=len(log),
        first_at=log[0].ex.started_at if log else None,
        last_at=log[-1].ex.started_at if log else None,
    )


@dataclass(frozen=True)
class _Scope:
    """The log as one environment's items see it, split once for all of them."""

    environment: str
    fresh: list[Entry]  # the environment's exchanges within the age limit
    own: list[Entry]  # all of the environment's exchanges
    rehearsal: list[Entry]  # those and the simulator's and custom URLs' exchanges
    log: list[Entry]

    @classmethod
    def of(cls, log: list[Entry], environment: str, cutoff: datetime) -> _Scope:
        own = [e for e in log if e.ex.target == environment]
        fresh = [e for e in own if e.ex.started_at >= cutoff]
        rehearsal = [e for e in log if e.ex.target == environment or is_rehearsal(e.ex.target)]
        return cls(environment, fresh, own, rehearsal, log)


def _judge(item: ChecklistItem, scope: _Scope, comment: str, now: datetime) -> ItemResult:
    if not item.automatic:
        hint = None if comment else "confirm by hand and add a comment"
        return ItemResult(item, Status.MANUAL, hint=hint, comment=comment)
    rule, where = RULES[item.id], NAMES[item.environment]
    if (found := rule(scope.fresh)).met:
        return _result(item, Status.MET, found, comment, now)
    if (older := rule(scope.own)).met:
        hint = f"proven in {where} only by exchanges older than the limit: run it again"
        return _result(item, Status.STALE, older, comment, now, hint)
    if (rehearsed := rule(scope.rehearsal)).met:
        shown = words(e.ex.target for e in rehearsed.proof if is_rehearsal(e.ex.target))
        hint = f"rests on exchanges with {shown}, not evidence for Vipps: run it in {where}"
        return _result(item, Status.REHEARSED, rehearsed, comment, now, hint)
    if len(scope.rehearsal) < len(scope.log) and (elsewhere := rule(scope.log)).met:
        shown = words(e.ex.target for e in elsewhere.proof)
        hint = f"shown only in {shown}; this item needs {where}"
        return _result(item, Status.MISSING, Evidence([], hint), comment, now, hint)
    return _result(item, Status.MISSING, rehearsed, comment, now, rehearsed.hint)


def _result(
    item: ChecklistItem,
    status: Status,
    ev: Evidence,
    comment: str,
    now: datetime,
    hint: str | None = None,
) -> ItemResult:
    named = (e.reference for e in ev.proof)
    refs = list(dict.fromkeys(ref for ref in named if ref))[-MAX_REFERENCES:]
    ids = list(dict.fromkeys(e.ex.id for e in ev.proof if e.ex.id is not None))[-MAX_IDS:]
    targets = dict.fromkeys(e.ex.target for e in ev.proof)
    newest = max((e.ex.started_at for e in ev.proof), default=None)
    return ItemResult(
        item,
        status,
        references=tuple(refs),
        exchange_ids=tuple(ids),
        targets=tuple(targets),
        newest=newest,
        age=now - newest if newest else None,
        hint=hint,
        comment=comment,
        proof_count=len(ev.proof),
    )
