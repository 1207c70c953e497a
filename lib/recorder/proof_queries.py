"""Questions over the proofs table for one scope of the checklist (targets, an age limit, some
runs): counts, the first and newest proofs, their references and targets, in index order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    CompoundSelect,
    Connection,
    MetaData,
    String,
    Table,
    and_,
    func,
    select,
    true,
)

from lib.checklist.evaluate import MAX_IDS, MAX_REFERENCES, Found
from lib.checklist.log import Entry, Evidence
from lib.recorder.schema import as_utc, proof_counts, proofs
from lib.recorder.sql_store import SqlStore

p = proofs.c
WALK = 1_000  # rows per step when walking a kind in log order
MAX_WALK = 20_000  # the walk's bound: references this far back are not "newest" anyway


class Ask:
    """One scope's questions on one connection.

    Every ordered question is asked per (kind, target), the order of the proofs index, and the
    answers merged here: an IN list over targets would make the database sort every match.
    """

    def __init__(
        self,
        conn: Connection,
        store: SqlStore,
        run_scope: Callable[[Any], ColumnElement[bool]],
        targets: tuple[str, ...] | None,
        since: datetime | None,
    ) -> None:
        self.conn, self.store, self.run_scope = conn, store, run_scope
        self.targets, self.since = targets, since
        runs = run_scope(p.run_id)
        self.base = and_(runs, true() if since is None else p.started_at >= since)
        self.scope = self.base if targets is None else and_(self.base, p.target.in_(targets))
        self._temps: list[Table] = []

    def _where(self, kinds: Sequence[str], cond: ColumnElement[bool] | None) -> Any:
        return and_(p.kind.in_(kinds), self.scope, true() if cond is None else cond)

    def _streams(self, kinds: Sequence[str], cond: Any) -> list[Any]:
        """One condition per (kind, target) present: each an index range in log order."""
        found = []
        for kind in kinds:
            for target in self._targets(kind):
                found.append(and_(p.kind == kind, p.target == target, self.base,
                                  true() if cond is None else cond))  # fmt: skip
        return found

    def _targets(self, kind: str) -> Sequence[str]:
        return self.targets or self._targets_of(kind)

    def _kept(self, kind: str, target: str) -> int:
        """The kind's count from proof_counts; the cutoff's own day counted from the proofs."""
        c = proof_counts.c
        query = select(func.coalesce(func.sum(c.n), 0)).where(
            c.kind == kind, c.target == target, self.run_scope(c.run_id)
        )
        if self.since is None:
            return int(self.conn.execute(query).scalar_one())
        day = as_utc(self.since).date()
        later = int(self.conn.execute(query.where(c.day > day.isoformat())).scalar_one())
        next_day = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
        same_day = select(func.count()).where(
            p.kind == kind, p.target == target, self.base, p.started_at < next_day
        )
        return later + int(self.conn.execute(same_day).scalar_one())

    def _targets_of(self, kind: str) -> list[str]:
        targets, last = [], ""
        query = select(func.min(p.target)).where(p.kind == kind)
        while (target := self.conn.execute(query.where(p.target > last)).scalar()) is not None:
            targets.append(str(target))
            last = target
        return targets

    def _ordered(self, kinds: Sequence[str], cond: Any, limit: int, newest: bool) -> list[Any]:
        """The first (or newest) `limit` rows over all streams, in log order (or reversed)."""
        order = (p.started_at, p.exchange_id)
        rows: list[Any] = []
        for where in self._streams(kinds, cond):
            query = select(p.started_at, p.exchange_id, p.target, p.reference).where(where)
            query = query.order_by(*(c.desc() for c in order) if newest else order)
            rows += self.conn.execute(query.limit(limit)).all()
        return sorted(rows, key=lambda r: (r[0], r[1]), reverse=newest)[:limit]

    def first(self, kinds: Sequence[str], cond: ColumnElement[bool] | None = None) -> list[int]:
        """The oldest matching exchange's id (in log order), or nothing."""
        return [int(r[1]) for r in self._ordered(kinds, cond, 1, newest=False)]

    def summary(self, kinds: Sequence[str], cond: ColumnElement[bool] | None = None) -> Found:
        """Count, targets, newest time, newest ids and references of the matching proofs."""
        if cond is None:
            count = sum(self._kept(kind, t) for kind in kinds for t in self._targets(kind))
        else:
            streams = self._streams(kinds, cond)
            count = sum(
                self.conn.execute(select(func.count()).where(w)).scalar_one() for w in streams
            )
        if not count:
            return Found(None)
        newest = self._ordered(kinds, cond, MAX_IDS, newest=True)
        return Found(
            hint=None,
            count=count,
            references=self._references(kinds, cond, newest),
            ids=tuple(int(r[1]) for r in reversed(newest)),
            targets=self._in_log_order(kinds, cond),
            newest=newest[0][0],
        )

    def small_summary(self, kinds: Sequence[str], cond: ColumnElement[bool]) -> Found:
        """`summary` of a few rows (one payment's reads), read whole: with no order asked, the
        database looks them up by reference instead of walking the kind in time order."""
        query = select(p.started_at, p.exchange_id, p.target, p.reference)
        rows = sorted(self.conn.execute(query.where(self._where(kinds, cond))).all())
        if not rows:
            return Found(None)
        named = [r[3] for r in reversed(rows) if r[3]]
        return Found(
            hint=None,
            count=len(rows),
            references=tuple(list(dict.fromkeys(named))[:MAX_REFERENCES][::-1]),
            ids=tuple(int(r[1]) for r in rows[-MAX_IDS:]),
            targets=tuple(dict.fromkeys(str(r[2]) for r in rows)),
            newest=rows[-1][0],
        )

    def _references(self, kinds: Sequence[str], cond: Any, newest: list[Any]) -> tuple[str, ...]:
        """The newest MAX_REFERENCES distinct references, walking back (at most MAX_WALK rows)
        when the newest proofs name fewer."""
        rows, limit = newest, MAX_IDS
        while True:
            refs = list(dict.fromkeys(r[3] for r in rows if r[3]))
            if len(refs) >= MAX_REFERENCES or len(rows) < limit or limit >= MAX_WALK:
                return tuple(refs[:MAX_REFERENCES][::-1])
            limit = min(limit * 10, MAX_WALK)
            rows = self._ordered(kinds, cond, limit, newest=True)

    def _in_log_order(self, kinds: Sequence[str], cond: Any) -> tuple[str, ...]:
        """Targets by their first proof (time, then exchange id)."""
        firsts: list[Any] = []
        for where in self._streams(kinds, cond):
            query = select(p.started_at, p.exchange_id, p.target).where(where)
            firsts += self.conn.execute(query.order_by(p.started_at, p.exchange_id).limit(1)).all()
        return tuple(dict.fromkeys(str(r[2]) for r in sorted(firsts, key=lambda r: (r[0], r[1]))))

    def entries(self, ids: Sequence[int]) -> list[Entry]:
        """The deciding exchanges, whole, in log order (a handful at most)."""
        found = [e for i in dict.fromkeys(ids) if (e := self.store.exchange(i)) is not None]
        return [Entry(e) for e in sorted(found, key=lambda e: (e.started_at, e.id or 0))]

    def words(self, rule: Callable[[Sequence[Entry]], Evidence], ids: Sequence[int]) -> Found:
        """The rule itself on the deciding exchanges: exact proof and hint."""
        return Found.of(rule(self.entries(ids)))

    def refs(self, kinds: Sequence[str], cond: ColumnElement[bool] | None = None) -> Any:
        return select(p.reference).where(self._where(kinds, cond), p.reference.is_not(None))

    def kept(self, references: Any) -> ColumnElement[bool]:
        """`reference IN (...)` over a temporary table filled once, not a subquery the
        database would run again for every stream."""
        name = f"epl_refs_{len(self._temps)}"
        temp = Table(name, MetaData(), Column("reference", String, primary_key=True),
                     prefixes=["TEMPORARY"])  # fmt: skip
        temp.create(self.conn)
        # INTERSECT and GROUP BY already give each reference once; a plain query may not.
        distinct = references if isinstance(references, CompoundSelect) else references.distinct()
        self.conn.execute(temp.insert().from_select(["reference"], distinct))
        self._temps.append(temp)
        return p.reference.in_(select(temp.c.reference))

    def close(self) -> None:
        for temp in self._temps:
            temp.drop(self.conn)
