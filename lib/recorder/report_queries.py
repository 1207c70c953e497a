"""The evidence report's questions of a store: head facts, request examples and a few references'
timelines, each a LIMITed, indexed query. None of them reads the whole log into memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from lib.exchange import Exchange
from lib.recorder.filters import ExchangeFilter
from lib.recorder.rows import to_exchange
from lib.recorder.schema import EXCHANGE_COLUMNS, exchanges
from lib.recorder.store import Store

e = exchanges.c
WALK = 1_000  # rows per step when walking the log back from its newest exchange
MAX_WALK = 50_000  # the walk's bound: references further back are not "the newest" anyway
MAX_OPERATIONS = 100  # a bound on the examples' operations (the ePayment API has a dozen)
# A token belongs to no payment: the report's timelines leave it out (as the list path does).
OUTSIDE_TIMELINES = ("access_token",)
SUCCEEDED = and_(e.status.is_not(None), e.status < 400)
FAILED = or_(e.status.is_(None), e.status >= 400)


def _scope(where: ExchangeFilter | None) -> ColumnElement[bool]:
    return (where or ExchangeFilter()).condition()


def _traced() -> ColumnElement[bool]:
    """Exchanges that belong on a reference's timeline."""
    named = and_(e.reference.is_not(None), e.reference != "")
    return and_(named, e.operation.not_in(OUTSIDE_TIMELINES))


def _whole(row: Any) -> Exchange:
    return to_exchange(row._mapping)


def distinct_values(
    store: Store, column: str, where: ExchangeFilter | None, limit: int
) -> list[str]:
    """Up to `limit` distinct values of a column (msn, target, operation), in the database's
    order: one index seek each (a loose index scan), however many rows carry them."""
    col, scope = e[column], _scope(where)
    found: list[str] = []
    with store.engine.connect() as conn:
        query = select(func.min(col)).where(scope)
        while len(found) < limit and (value := conn.execute(query).scalar()) is not None:
            found.append(str(value))
            query = select(func.min(col)).where(scope, col > value)
    return found


def newest_examples(store: Store, where: ExchangeFilter | None) -> list[Exchange]:
    """Per operation, its newest exchange that succeeded (status below 400) and its newest that
    did not, newest by (time, id) as the log is ordered: the report's request examples."""
    columns = [e[c] for c in EXCHANGE_COLUMNS]
    scope, found = _scope(where), []
    operations = distinct_values(store, "operation", where, MAX_OPERATIONS)
    with store.engine.connect() as conn:
        for operation in operations:
            for outcome in (SUCCEEDED, FAILED):
                query = (
                    select(*columns)
                    .where(scope, e.operation == operation, outcome)
                    .order_by(e.started_at.desc(), e.id.desc())
                    .limit(1)
                )
                found += [_whole(row) for row in conn.execute(query)]
    return found


def reference_count(store: Store, where: ExchangeFilter | None) -> int:
    """The references that have a timeline: one aggregate in the database."""
    query = select(func.count(func.distinct(e.reference))).where(_scope(where), _traced())
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def newest_references(store: Store, where: ExchangeFilter | None) -> Iterator[str]:
    """References newest first (by their newest exchange), each once: a walk back through the
    log in (time, id) order, WALK rows a step, stopped by the caller or after MAX_WALK rows."""
    scope, seen, read = and_(_scope(where), _traced()), set(), 0
    newest_first = (e.started_at.desc(), e.id.desc())
    query = select(e.reference, e.started_at, e.id).where(scope)
    while read < MAX_WALK:
        with store.engine.connect() as conn:  # short reads: the caller may stop at any row
            rows = conn.execute(query.order_by(*newest_first).limit(WALK)).all()
        for reference, _, _ in rows:
            if reference not in seen:
                seen.add(reference)
                yield str(reference)
        if len(rows) < WALK:
            return
        read += len(rows)
        _, moment, last_id = rows[-1]
        earlier = or_(e.started_at < moment, and_(e.started_at == moment, e.id < last_id))
        query = select(e.reference, e.started_at, e.id).where(scope, earlier)


def reference_exchanges(
    store: Store, where: ExchangeFilter | None, reference: str, limit: int
) -> tuple[list[Exchange], int]:
    """One reference's first `limit` exchanges on its timeline in log order, and how many
    it has in all (counted only when there are more)."""
    scope = and_(_scope(where), _traced(), e.reference == reference)
    columns = [e[c] for c in EXCHANGE_COLUMNS]
    query = select(*columns).where(scope).order_by(e.started_at, e.id).limit(limit + 1)
    with store.engine.connect() as conn:
        found = [_whole(row) for row in conn.execute(query)]
        if len(found) <= limit:
            return found, len(found)
        total = conn.execute(select(func.count()).select_from(exchanges).where(scope)).scalar_one()
    return found[:limit], int(total)
