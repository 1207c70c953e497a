"""The checklist answered in the database: which exchanges prove an item comes from indexed
queries over the proofs table; the item's words (its hint) from the checklist's own rule, run
on the few exchanges that decide it. Counts and the newest examples are the database's."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, time, timedelta
from functools import partial
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
    false,
    func,
    or_,
    select,
    true,
    tuple_,
)

from lib.checklist import endpoints, quality
from lib.checklist.evaluate import MAX_IDS, MAX_REFERENCES, Found, Scope
from lib.checklist.log import Entry, Evidence
from lib.checklist.targets import REHEARSALS
from lib.epayment.models import PaymentState
from lib.recorder.filters import ExchangeFilter
from lib.recorder.proofs import BITS, COMPLETE_MASK
from lib.recorder.schema import as_utc, exchanges, proof_counts, proofs, runs
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


Prove = Callable[[Ask], Found]
HAS_REF = p.reference.is_not(None)


def _plain(kind: str, rule: Callable[[Sequence[Entry]], Evidence], cond: Any = None) -> Prove:
    """Items whose proof is every exchange of one kind (E1, E3, E4, Q5)."""

    def prove(ask: Ask) -> Found:
        found = ask.summary([kind], cond)
        return found if found.count else ask.words(rule, [])

    return prove


def _e2(ask: Ask) -> Found:
    final = ask.summary(["GF"])
    if final.count:
        return final
    gets = ask.summary(["G"], HAS_REF)
    return gets.with_hint(ask.words(endpoints.e2_get, ask.first(["G"], HAS_REF)).hint)


def _partial_and_full(kind: str, rule: Callable[[Sequence[Entry]], Evidence]) -> Prove:
    def prove(ask: Ask) -> Found:
        found = ask.summary([f"{kind}P", f"{kind}F"])
        deciding = ask.first([f"{kind}P"]) + ask.first([f"{kind}F"])
        return found.with_hint(ask.words(rule, deciding).hint)

    return prove


def _q1(ask: Ask) -> Found:
    if not ask.first(["WHV"]):
        refused = ask.summary(["WH"])
        return refused.with_hint(ask.words(quality.q1_webhooks, ask.first(["WH"])).hint)
    both = ask.kept(ask.refs(["WHV"]).intersect(ask.refs(["G"])))
    found = ask.summary(["G", "WHV"], both)
    if found.count:
        return found
    verified = ask.summary(["WHV"])
    return verified.with_hint(ask.words(quality.q1_webhooks, ask.first(["WHV"])).hint)


def _q2(ask: Ask) -> Found:
    """The first GET showing each state and the first event log showing each event."""
    deciding = [i for s in PaymentState for i in ask.first(["G"], p.value == str(s))]
    for name in quality.EVENTS:
        deciding += ask.first(["EV"], p.mask.op("&")(BITS[name]) != 0)
    return ask.words(quality.q2_states_events, deciding)


def _q3(ask: Ask) -> Found:
    coded = ask.summary(["Q3C"])
    if coded.count:
        return coded
    traced = ask.summary(["Q3T"])
    return traced.with_hint(ask.words(quality.q3_errors, ask.first(["Q3T"])).hint)


def _every(kind: str, rule: Callable[[Sequence[Entry]], Evidence]) -> Prove:
    """Items every exchange of a kind must pass (Q4, P1): the first that fails decides."""

    def prove(ask: Ask) -> Found:
        if failing := ask.first([f"{kind}X"]):
            return ask.words(rule, failing)
        found = ask.summary([kind])
        return found if found.count else ask.words(rule, [])

    return prove


def _p2(ask: Ask) -> Found:
    polled = ask.refs(["G"]).group_by(p.reference).having(func.count() >= 2)
    found = ask.summary(["G"], ask.kept(polled))
    return found if found.count else ask.words(quality.p2_polling, [])


def _complete_order(rule: Callable[[Sequence[Entry]], Evidence]) -> Prove:
    """The first (environment, reference), by first appearance, whose reads show all of
    COMPLETE_ORDER: found walking the reads in log order until one group is complete, then
    checking only the groups that started before it."""

    def prove(ask: Ask) -> Found:
        if not ask.first(["OX"]):  # no read showed a cancel: no order can be complete
            return ask.words(rule, [])
        group = _first_complete(ask)
        if group is None:
            return ask.words(rule, [])
        return ask.small_summary(["O"], and_(p.target == group[0], p.reference == group[1]))

    return prove


def _first_complete(ask: Ask) -> tuple[str, str] | None:
    bits: dict[tuple[str, str], int] = {}  # in order of first appearance, as the rule groups
    streams = [_walk(ask, where) for where in ask._streams(["O"], None)]
    for n, (_, _, target, reference, mask) in enumerate(heapq.merge(*streams), start=1):
        key = (target, reference)
        bits[key] = bits.get(key, 0) | mask
        if n % WALK == 0 or bits[key] == COMPLETE_MASK:
            done = [k for k, b in bits.items() if b == COMPLETE_MASK]
            if done:
                earlier = list(bits)[: list(bits).index(done[0])]
                return _complete_among(ask, earlier) or done[0]
    return None


def _walk(ask: Ask, where: Any) -> Iterator[tuple[Any, int, str, str, int]]:
    """One stream's rows in log order, read WALK at a time (keyset: time, then id)."""
    columns = (p.started_at, p.exchange_id, p.target, p.reference, p.mask)
    after: Any = true()
    while rows := ask.conn.execute(
        select(*columns).where(where, after).order_by(p.started_at, p.exchange_id).limit(WALK)
    ).all():
        yield from (tuple(r) for r in rows)
        last = rows[-1]
        after = or_(p.started_at > last[0], and_(p.started_at == last[0], p.exchange_id > last[1]))


def _complete_among(ask: Ask, groups: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The first of `groups` (in their order) complete over the whole scope, if any."""
    for start in range(0, len(groups), 500):
        part = groups[start : start + 500]
        query = (
            select(p.target, p.reference)
            .where(ask._where(["O"], tuple_(p.target, p.reference).in_(part)))
            .group_by(p.target, p.reference)
            .having(and_(*(func.max(p.mask.op("&")(bit)) > 0 for bit in BITS.values())))
        )
        complete = {(t, r) for t, r in ask.conn.execute(query)}
        if found := next((g for g in part if g in complete), None):
            return found
    return None


PROVERS: dict[str, Prove] = {
    "E1": _plain("E1", endpoints.e1_create),
    "E2": _e2,
    "E3": _plain("E3", endpoints.e3_events),
    "E4": _plain("E4", endpoints.e4_cancel),
    "E5": _partial_and_full("E5", endpoints.e5_capture),
    "E6": _partial_and_full("E6", endpoints.e6_refund),
    "Q1": _q1,
    "Q2": _q2,
    "Q3": _q3,
    "Q4": _every("Q4", quality.q4_headers),
    "Q5": _plain("Q5", quality.q5_receipt),
    "P1": _every("P1", quality.p1_reference),
    "P2": _p2,
    "G2": _complete_order(quality.g2_production),
    "G3": _complete_order(quality.g3_test),
}


class StoreProver:
    """lib.checklist's Prover over a SqlStore: every run, or the runs a filter names."""

    def __init__(self, store: SqlStore, where: ExchangeFilter | None, cutoff: datetime) -> None:
        self.store = store
        self.where = _runs_only(where or ExchangeFilter())
        self.cutoff = cutoff
        self.runs = partial(_run_condition, self.where)

    def _ask(self, conn: Connection, environment: str, scope: Scope) -> Ask:
        if scope == "fresh":
            return Ask(conn, self.store, self.runs, (environment,), self.cutoff)
        if scope == "own":
            return Ask(conn, self.store, self.runs, (environment,), None)
        if scope == "rehearsal":
            return Ask(conn, self.store, self.runs, (environment, *REHEARSALS), None)
        return Ask(conn, self.store, self.runs, None, None)

    def prove(self, item_id: str, environment: str, scope: Scope) -> Found:
        with self.store.engine.connect() as conn:
            ask = self._ask(conn, environment, scope)
            try:
                return PROVERS[item_id](ask)
            finally:
                ask.close()
                conn.rollback()

    def beyond_rehearsal(self, environment: str) -> bool:
        inside = (environment, *REHEARSALS)
        e = exchanges.c
        with self.store.engine.connect() as conn:
            if self.where != ExchangeFilter():
                outside = or_(e.target.is_(None), e.target.not_in(inside))
                query = select(e.id).where(self.where.condition(), outside).limit(1)
                return conn.execute(query).first() is not None
            # Every run: the targets present, one index seek each (a handful).
            if conn.execute(select(e.id).where(e.target.is_(None)).limit(1)).first():
                return True
            last = ""
            while found := conn.execute(select(func.min(e.target)).where(e.target > last)).scalar():
                if found not in inside:
                    return True
                last = found
        return False

    def totals(self) -> tuple[int, datetime | None, datetime | None]:
        """Count from the runs' kept counts; first and last time by one index seek each."""
        e = exchanges.c
        scope = self.where.condition()
        counted = select(func.coalesce(func.sum(runs.c.exchange_count), 0))
        if self.where.run_ids is not None:
            counted = counted.where(runs.c.id.in_(self.where.run_ids))
        if not self.where.who.empty:
            counted = counted.where(self.where.who.condition())
        with self.store.engine.connect() as conn:
            first = conn.execute(select(func.min(e.started_at)).where(scope)).scalar()
            last = conn.execute(select(func.max(e.started_at)).where(scope)).scalar()
            count = int(conn.execute(counted).scalar_one())
        return count, first, last


def _runs_only(where: ExchangeFilter) -> ExchangeFilter:
    """The checklist's scope is runs (ids, who/where); the log's other filters do not apply."""
    return ExchangeFilter(run_ids=where.run_ids, who=where.who)


def _run_condition(where: ExchangeFilter, run_id: Any) -> ColumnElement[bool]:
    """The filter's runs as a condition on a run id column (proofs' or proof_counts')."""
    parts: list[ColumnElement[bool]] = []
    if where.run_ids is not None:
        parts.append(run_id.in_(where.run_ids) if where.run_ids else false())
    if not where.who.empty:
        parts.append(run_id.in_(select(runs.c.id).where(where.who.condition())))
    return and_(true(), *parts)
