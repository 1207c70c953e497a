"""Checklist evaluation: each item's status (met, missing, stale, manual) from an evidence log."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from lib.checklist import endpoints, quality
from lib.checklist.items import ITEMS, ChecklistItem
from lib.checklist.log import Entry, Evidence, entries
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
    MET = "met"
    MISSING = "missing"
    STALE = "stale"  # proven only by exchanges older than max_age_days
    MANUAL = "manual"


@dataclass(frozen=True)
class ItemResult:
    item: ChecklistItem
    status: Status
    references: tuple[str, ...] = ()
    exchange_ids: tuple[int, ...] = ()
    targets: tuple[str, ...] = ()  # where the proof came from, e.g. ("simulator",)
    newest: datetime | None = None  # newest proving exchange
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

    @property
    def completeness(self) -> float:
        """Share of the automatic items that are met, 0.0–1.0."""
        auto = self.automatic
        return sum(r.status is Status.MET for r in auto) / len(auto) if auto else 0.0

    @property
    def missing(self) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.items if r.status in (Status.MISSING, Status.STALE))

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

    Each rule runs twice: on the exchanges newer than `max_age_days` (met) and, failing that, on the
    whole log (stale), so composite items (a partial AND a full capture) are judged as a whole.
    """
    comments = manual_comments or {}
    log = sorted(entries(exchanges), key=lambda e: e.ex.started_at)
    cutoff = now - timedelta(days=max_age_days)
    fresh = [e for e in log if e.ex.started_at >= cutoff]
    results = tuple(_judge(item, log, fresh, comments.get(item.id, "")) for item in ITEMS)
    return ChecklistResult(
        items=results,
        evaluated_at=now,
        max_age_days=max_age_days,
        exchange_count=len(log),
        first_at=log[0].ex.started_at if log else None,
        last_at=log[-1].ex.started_at if log else None,
    )


def _judge(item: ChecklistItem, log: list[Entry], fresh: list[Entry], comment: str) -> ItemResult:
    if not item.automatic:
        hint = None if comment else "confirm by hand and add a comment"
        return ItemResult(item, Status.MANUAL, hint=hint, comment=comment)
    rule = RULES[item.id]
    found = rule(fresh)
    if found.met:
        return _result(item, Status.MET, found, comment)
    older = rule(log)
    if older.met:
        hint = "proven only by exchanges older than the limit: run it again"
        return _result(item, Status.STALE, older, comment, hint)
    return _result(item, Status.MISSING, found, comment, found.hint)


def _result(
    item: ChecklistItem, status: Status, ev: Evidence, comment: str, hint: str | None = None
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
        hint=hint,
        comment=comment,
        proof_count=len(ev.proof),
    )
