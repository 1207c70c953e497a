"""The checklist answered in the database: which exchanges prove an item comes from indexed
queries over the proofs table; the item's words (its hint) from the checklist's own rule, run
on the few exchanges that decide it. Counts and the newest examples are the database's."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    false,
    func,
    or_,
    select,
    true,
    tuple_,
)

from lib.checklist import endpoints, quality
from lib.checklist.evaluate import Found, Scope
from lib.checklist.log import Entry, Evidence
from lib.checklist.targets import REHEARSALS
from lib.epayment.models import PaymentState
from lib.recorder.filters import ExchangeFilter
from lib.recorder.proof_queries import WALK, Ask, p
from lib.recorder.proofs import BITS, COMPLETE_MASK
from lib.recorder.schema import exchanges, runs
from lib.recorder.sql_store import SqlStore

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
