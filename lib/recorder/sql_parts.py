"""The store's small SQL pieces: proof-count upserts, run rows, the MSN condition."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite

from lib.recorder.schema import exchanges, proof_counts, runs
from lib.recorder.store import Run


def counted_upsert(dialect_name: str) -> Any:
    """Adds one to a proof count (a new row the first time)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    upsert = dialect.insert(proof_counts)
    return upsert.on_conflict_do_update(
        index_elements=["kind", "target", "day", "run_id"], set_={"n": proof_counts.c.n + 1}
    )


def run_of(row: Any) -> Run:
    return Run(
        id=row["id"], label=row["label"], started_at=row["started_at"],
        count=int(row["exchange_count"] or 0), person=row["person"], host=row["host"],
        target=row["target"], msn=row["msn"],
    )  # fmt: skip


def count_and_where(run_id: str, target: str | None, msn: str | None) -> Any:
    # One statement: the count kept, the run's target and MSN set by its first exchange.
    return (
        update(runs)
        .where(runs.c.id == run_id)
        .values(
            exchange_count=runs.c.exchange_count + 1,
            target=func.coalesce(runs.c.target, target),
            msn=func.coalesce(runs.c.msn, msn),
        )
    )


def msn_is(msn: str | None, *, or_missing: bool = False) -> ColumnElement[bool]:
    column = exchanges.c.msn
    same = column.is_(None) if msn is None else column == msn
    return or_(same, column.is_(None)) if or_missing else same
