"""A checklist's result: each item's status, its proofs and the whole's completeness."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from lib.checklist.items import ChecklistItem
from lib.checklist.targets import is_rehearsal


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
