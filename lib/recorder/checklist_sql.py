"""The checklist answered in the database: which exchanges prove an item comes from indexed
queries over the proofs table; the item's words (its hint) from the checklist's own rule, run
on the few exchanges that decide it. Counts and the newest examples are the database's."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, false, func, or_, select, true

from lib.checklist import endpoints, quality
from lib.checklist.evaluate import MAX_IDS, MAX_REFERENCES, Found, Scope
from lib.checklist.log import Entry, Evidence
from lib.checklist.targets import REHEARSALS
from lib.epayment.models import EventName, PaymentState
from lib.recorder.filters import ExchangeFilter
from lib.recorder.proofs import BITS
from lib.recorder.schema import exchanges, proofs, runs
from lib.recorder.sql_store import SqlStore

p = proofs.c
WALK = 1_000  # rows per step when walking back for the newest distinct references
MAX_WALK = 20_000  # the walk's bound: references this far back are not "newest" anyway


class Ask:
    """One scope's questions on one connection."""

    def __init__(self, conn: Connection, store: SqlStore, scope: ColumnElement[bool]) -> None:
        self.conn, self.store, self.scope = conn, store, scope

    def _where(self, kinds: Sequence[str], cond: ColumnElement[bool] | None) -> Any:
        return and_(p.kind.in_(kinds), self.scope, true() if cond is None else cond)

    def first(self, kinds: Sequence[str], cond: ColumnElement[bool] | None = None) -> list[int]:
        """The oldest matching exchange's id (in log order), or nothing."""
        query = select(p.exchange_id).where(self._where(kinds, cond))
        query = query.order_by(p.started_at, p.exchange_id).limit(1)
        return [int(i) for i in self.conn.execute(query).scalars()]

    def summary(self, kinds: Sequence[str], cond: ColumnElement[bool] | None = None) -> Found:
        """Count, targets, newest time, newest ids and references of the matching proofs."""
        where = self._where(kinds, cond)
        first_seen = func.min(p.started_at)
        per_target = self.conn.execute(
            select(p.target, func.count(), first_seen, func.max(p.started_at))
            .where(where)
            .group_by(p.target)
            .order_by(first_seen)
        ).all()
        count = sum(int(row[1]) for row in per_target)
        if not count:
            return Found(None)
        ids, refs = self._newest(where)
        return Found(
            hint=None,
            count=count,
            references=refs,
            ids=ids,
            targets=self._in_log_order(where, per_target),
            newest=max(row[3] for row in per_target),
        )

    def _in_log_order(self, where: Any, per_target: Sequence[Any]) -> tuple[str, ...]:
        """Targets by their first proof; two first seen at the same time go by exchange id."""
        firsts = [row[2] for row in per_target]

        def key(row: Any) -> tuple[Any, int]:
            if firsts.count(row[2]) == 1:
                return row[2], 0
            query = select(p.exchange_id).where(where, p.target == row[0])
            first = query.order_by(p.started_at, p.exchange_id).limit(1)
            return row[2], int(self.conn.execute(first).scalar_one())

        return tuple(str(row[0]) for row in sorted(per_target, key=key))

    def _newest(self, where: Any) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """The newest MAX_IDS ids; the newest MAX_REFERENCES distinct references, walking back
        (at most MAX_WALK rows) when the newest proofs name fewer."""
        order = (p.started_at.desc(), p.exchange_id.desc())
        query = select(p.exchange_id, p.reference).where(where).order_by(*order)
        rows = self.conn.execute(query.limit(MAX_IDS)).all()
        ids = tuple(int(r[0]) for r in reversed(rows))
        refs = dict.fromkeys(r[1] for r in rows if r[1])
        read, asked = len(rows), MAX_IDS
        while len(refs) < MAX_REFERENCES and read == asked and read < MAX_WALK:
            rows = self.conn.execute(query.offset(read).limit(WALK)).all()
            refs.update(dict.fromkeys(r[1] for r in rows if r[1]))
            read, asked = read + len(rows), asked + WALK
        return ids, tuple(list(refs)[:MAX_REFERENCES][::-1])

    def entries(self, ids: Sequence[int]) -> list[Entry]:
        """The deciding exchanges, whole, in log order (a handful at most)."""
        found = [e for i in dict.fromkeys(ids) if (e := self.store.exchange(i)) is not None]
        return [Entry(e) for e in sorted(found, key=lambda e: (e.started_at, e.id or 0))]

    def words(self, rule: Callable[[Sequence[Entry]], Evidence], ids: Sequence[int]) -> Found:
        """The rule itself on the deciding exchanges: exact proof and hint."""
        return Found.of(rule(self.entries(ids)))

    def refs(self, kinds: Sequence[str], cond: ColumnElement[bool] | None = None) -> Any:
        return select(p.reference).where(self._where(kinds, cond), p.reference.is_not(None))


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
    both = and_(p.reference.in_(ask.refs(["WHV"])), p.reference.in_(ask.refs(["G"])))
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
        if failing := ask.first([kind], p.value.is_not(None)):
            return ask.words(rule, failing)
        found = ask.summary([kind])
        return found if found.count else ask.words(rule, [])

    return prove


def _p2(ask: Ask) -> Found:
    polled = ask.refs(["G"]).group_by(p.reference).having(func.count() >= 2)
    found = ask.summary(["G"], p.reference.in_(polled))
    return found if found.count else ask.words(quality.p2_polling, [])


def _complete_order(rule: Callable[[Sequence[Entry]], Evidence]) -> Prove:
    """The first (environment, reference) whose reads show all of COMPLETE_ORDER."""

    def prove(ask: Ask) -> Found:
        shows = and_(HAS_REF, p.mask != 0)
        # Only references some read showed CANCELLED can be complete: the rarest, so the fewest.
        cancelled = ask.refs(["G", "EV"], p.mask.op("&")(BITS[EventName.CANCELLED]) != 0)
        query = (
            select(p.target, p.reference)
            .where(ask._where(["G", "EV"], shows), p.reference.in_(cancelled))
            .group_by(p.target, p.reference)
            .having(and_(*(func.max(p.mask.op("&")(bit)) > 0 for bit in BITS.values())))
            .order_by(func.min(p.started_at), func.min(p.exchange_id))
            .limit(1)
        )
        group = ask.conn.execute(query).first()
        if group is None:
            return ask.words(rule, [])
        mine = and_(shows, p.target == group[0], p.reference == group[1])
        return ask.summary(["G", "EV"], mine)

    return prove


PROVERS: dict[str, Prove] = {
    "E1": _plain("E1", endpoints.e1_create),
    "E2": _e2,
    "E3": _plain("EV", endpoints.e3_events, p.value == "list"),
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
        self.runs = _run_condition(self.where)

    def _scope(self, environment: str, scope: Scope) -> ColumnElement[bool]:
        if scope == "fresh":
            return and_(self.runs, p.target == environment, p.started_at >= self.cutoff)
        if scope == "own":
            return and_(self.runs, p.target == environment)
        if scope == "rehearsal":
            return and_(self.runs, p.target.in_((environment, *REHEARSALS)))
        return self.runs

    def prove(self, item_id: str, environment: str, scope: Scope) -> Found:
        with self.store.engine.connect() as conn:
            return PROVERS[item_id](Ask(conn, self.store, self._scope(environment, scope)))

    def beyond_rehearsal(self, environment: str) -> bool:
        inside = (environment, *REHEARSALS)
        e = exchanges.c
        outside = or_(e.target.is_(None), e.target.not_in(inside))
        query = select(e.id).where(self.where.condition(), outside).limit(1)
        with self.store.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def totals(self) -> tuple[int, datetime | None, datetime | None]:
        e = exchanges.c
        query = select(func.min(e.started_at), func.max(e.started_at))
        with self.store.engine.connect() as conn:
            first, last = conn.execute(query.where(self.where.condition())).one()
        return self.store.count(self.where), first, last


def _runs_only(where: ExchangeFilter) -> ExchangeFilter:
    """The checklist's scope is runs (ids, who/where); the log's other filters do not apply."""
    return ExchangeFilter(run_ids=where.run_ids, who=where.who)


def _run_condition(where: ExchangeFilter) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if where.run_ids is not None:
        parts.append(p.run_id.in_(where.run_ids) if where.run_ids else false())
    if not where.who.empty:
        parts.append(p.run_id.in_(select(runs.c.id).where(where.who.condition())))
    return and_(true(), *parts)
