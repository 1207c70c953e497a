"""The evidence store over SQLAlchemy Core: one code for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    and_,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from lib.exchange import Exchange
from lib.recorder.filters import ExchangeFilter, Page, RunFilter
from lib.recorder.migrations import current_version, migrate
from lib.recorder.proofs import proofs_of
from lib.recorder.rows import count_keys, exchange_row, to_exchange, without_nul
from lib.recorder.schema import (
    EXCHANGE_COLUMNS,
    exchanges,
    proofs,
    run_meta,
    runs,
)
from lib.recorder.sql_parts import count_and_where, counted_upsert, msn_is, run_of
from lib.recorder.store import Run
from lib.recorder.summary_scan import summary_count, summary_page_ids

CHUNK = 2_000  # rows per query when streaming: constant memory, short transactions
# A page of the log leaves out headers and bodies: one exchange's are read when it is opened.
SUMMARY = [c for c in EXCHANGE_COLUMNS if not c.endswith(("_headers", "_body"))]


@dataclass(frozen=True)
class SidebarFacts:
    """What the sidebar shows from the evidence, each from one bounded, indexed query."""

    token_issued: bool  # an access token was issued in this run by this base URL (and MSN)
    last_reference: str | None  # the newest payment created with this base URL and MSN


def read_raw(engine: Engine, query: Any, *, text_as_bytes: bool = False) -> list[Any]:
    """The DB-API cursor's rows: plain tuples, no Row objects or type processing. `text_as_bytes`
    (SQLite): text as its UTF-8 bytes, never decoded."""
    with engine.connect() as conn:
        if not text_as_bytes:
            return list(conn.execute(query).cursor.fetchall())
        sqlite = conn.connection.driver_connection
        sqlite.text_factory = bytes  # type: ignore[union-attr]
        try:
            return list(conn.execute(query).cursor.fetchall())
        finally:
            sqlite.text_factory = str  # type: ignore[union-attr]


class SqlStore:
    """Redacted exchanges, runs with who and where, notes and checklist proofs in one database."""

    def __init__(self, engine: Engine, where: str) -> None:
        self.engine = engine
        self.where = where
        migrate(engine, where)

    @property
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return current_version(conn)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            yield conn

    def _read(self, query: Any) -> Sequence[Any]:
        with self.engine.connect() as conn:
            return conn.execute(query).all()

    def _read_raw(self, query: Any, text_as_bytes: bool = False) -> Sequence[Any]:
        return read_raw(self.engine, query, text_as_bytes=text_as_bytes)

    # Runs ---------------------------------------------------------------------------------

    def add_run(self, run: Run) -> None:
        values = {k: getattr(run, k) for k in ("id", "label", "started_at", "person", "host")}
        with self._write() as conn:
            conn.execute(insert(runs).values(**values, target=run.target, msn=run.msn))

    def runs(self, who: RunFilter | None = None, *, newest: int | None = None) -> list[Run]:
        """Runs oldest first (or only the `newest` few), with who/where and exchange counts."""
        query = select(runs).where((who or RunFilter()).condition())
        if newest is not None:
            inner = query.order_by(runs.c.started_at.desc(), runs.c.id.desc()).limit(newest)
            query = select(inner.subquery())
        rows = self._read(query)
        found = [run_of(row._mapping) for row in rows]
        return sorted(found, key=lambda r: r.started_at)

    def run(self, run_id: str) -> Run | None:
        rows = self._read(select(runs).where(runs.c.id == run_id))
        return run_of(rows[0]._mapping) if rows else None

    def who_values(self) -> dict[str, list[str]]:
        """The persons, hosts, targets and MSNs the runs carry: choices for the filters."""
        found: dict[str, list[str]] = {}
        with self.engine.connect() as conn:
            for name in ("person", "host", "target", "msn"):
                column = runs.c[name]
                query = select(column).where(column.is_not(None)).distinct().order_by(column)
                found[name] = [str(v) for v in conn.execute(query).scalars()]
        return found

    # Exchanges ----------------------------------------------------------------------------

    def add_exchange(self, exchange: Exchange) -> int:
        """Stores one exchange (redacted, `run_id` set) with its proofs; returns its new id."""
        if self.engine.dialect.name == "postgresql":
            exchange = without_nul(exchange)
        row = exchange_row(exchange)
        found = proofs_of(exchange)  # bodies parsed before the write lock is taken
        with self._write() as conn:
            new_id = int(
                conn.execute(insert(exchanges).values(row).returning(exchanges.c.id)).scalar_one()
            )
            if found:
                conn.execute(
                    insert(proofs),
                    [
                        {"exchange_id": new_id, "run_id": exchange.run_id,
                         "target": exchange.target, "started_at": exchange.started_at,
                         "reference": p.reference, "value": p.value, "mask": p.mask,
                         "kind": p.kind}
                        for p in found
                    ],
                )  # fmt: skip
                conn.execute(counted_upsert(conn.dialect.name), count_keys(exchange, found))
            if exchange.run_id is not None:
                conn.execute(count_and_where(exchange.run_id, exchange.target, row["msn"]))
        return new_id

    def exchanges(
        self,
        run_id: str | None = None,
        reference: str | None = None,
        operation: str | None = None,
    ) -> list[Exchange]:
        """Exchanges in insertion order; `run_id=None` means every run (keep it narrow)."""
        scope = ExchangeFilter(
            run_ids=None if run_id is None else (run_id,),
            reference=reference,
            operations=(operation,) if operation else (),
        )
        return list(self.iter_exchanges(scope))

    def iter_exchanges(
        self, where: ExchangeFilter | None = None, *, chunk: int = CHUNK
    ) -> Iterator[Exchange]:
        """Every matching exchange, oldest first, read `chunk` rows at a time."""
        for rows in self.iter_rows(where, EXCHANGE_COLUMNS, chunk=chunk):
            for row in rows:
                yield to_exchange(row._mapping)

    def iter_rows(
        self,
        where: ExchangeFilter | None,
        columns: Sequence[Any],
        *,
        chunk: int = CHUNK,
        raw: bool = False,
        text_as_bytes: bool = False,
    ) -> Iterator[Sequence[Any]]:
        """Chunks of rows (the named columns or SQL expressions, in that order) by id, each
        from its own query.

        Keyset paging keeps memory constant and transactions short; the highest id at the
        start bounds the walk, so rows written meanwhile do not stretch an export. `raw`:
        the driver's tuples; `text_as_bytes` (SQLite, with `raw`): text as UTF-8 bytes.
        """
        selected = [exchanges.c[c] if isinstance(c, str) else c for c in columns]
        extra = "id" not in columns
        if extra:
            selected.append(exchanges.c.id)
        key = len(selected) - 1 if extra else list(columns).index("id")
        condition = (where or ExchangeFilter()).condition()
        with self.engine.connect() as conn:
            top = conn.execute(select(func.max(exchanges.c.id))).scalar()
        last = 0
        while top is not None and last < top:
            query = (
                select(*selected)
                .where(condition, exchanges.c.id > last, exchanges.c.id <= top)
                .order_by(exchanges.c.id)
                .limit(chunk)
            )
            rows = self._read_raw(query, text_as_bytes) if raw else self._read(query)
            if not rows:
                return
            yield [row[:-1] for row in rows] if extra else rows
            last = rows[-1][key]

    def count(self, where: ExchangeFilter | None = None) -> int:
        """Matching exchanges; runs alone (all, some ids, who/where) are counted from the
        runs' kept counts, not by reading a million index entries."""
        where = where or ExchangeFilter()
        if replace(where, run_ids=None, who=RunFilter()) == ExchangeFilter():
            return self._kept_count(where)
        if where.reference_contains:
            return int(self._read(summary_count(where.condition()))[0][0])
        query = select(func.count()).select_from(exchanges)
        return int(self._read(query.where(where.condition()))[0][0])

    def _kept_count(self, where: ExchangeFilter) -> int:
        kept = select(func.coalesce(func.sum(runs.c.exchange_count), 0))
        if where.run_ids is not None:
            kept = kept.where(runs.c.id.in_(where.run_ids))
        if not where.who.empty:
            kept = kept.where(where.who.condition())
        counted = int(self._read(kept)[0][0])
        if where.run_ids is None and where.who.empty:  # exchanges stored without a run
            loose = select(func.count()).where(exchanges.c.run_id.is_(None))
            counted += int(self._read(loose)[0][0])
        return counted

    def page(
        self, where: ExchangeFilter | None = None, *, offset: int = 0, limit: int = 50
    ) -> Page:
        """One page of matching exchanges, newest first, without headers and bodies."""
        where = where or ExchangeFilter()
        skip, size = max(offset, 0), max(limit, 0)
        query: Select[Any] = select(*(exchanges.c[n] for n in SUMMARY))
        if where.reference_contains:  # no index answers it: the ids from the summary index
            ids = summary_page_ids(where.condition(), skip, size)
            query = query.where(exchanges.c.id.in_(ids))
        else:
            query = query.where(where.condition()).offset(skip).limit(size)
        query = query.order_by(exchanges.c.id.desc())
        rows = [to_exchange(r._mapping) for r in self._read(query)]
        return Page(rows=rows, total=self.count(where), offset=offset, limit=limit)

    def exchange(self, exchange_id: int) -> Exchange | None:
        """One exchange with headers and bodies, by id (any run)."""
        columns = (exchanges.c[n] for n in EXCHANGE_COLUMNS)
        rows = self._read(select(*columns).where(exchanges.c.id == exchange_id))
        return to_exchange(rows[0]._mapping) if rows else None

    def newest(
        self,
        where: ExchangeFilter,
        *,
        url_prefix: str | None = None,
        also: ColumnElement[bool] | None = None,
    ) -> Exchange | None:
        """The newest matching exchange (one indexed walk from the end), or None."""
        condition = where.condition() if also is None else and_(where.condition(), also)
        if url_prefix:
            prefix = func.substr(exchanges.c.url, 1, len(url_prefix)) == url_prefix
            condition = and_(condition, prefix)
        columns = (exchanges.c[n] for n in EXCHANGE_COLUMNS)
        query = select(*columns).where(condition).order_by(exchanges.c.id.desc()).limit(1)
        rows = self._read(query)
        return to_exchange(rows[0]._mapping) if rows else None

    def sidebar_facts(self, run_id: str, base_url: str, msn: str | None) -> SidebarFacts:
        """The sidebar's token and "resume the last payment" facts, two indexed queries."""
        token = ExchangeFilter(run_ids=(run_id,), operations=("access_token",))
        ok = and_(exchanges.c.status == 200, msn_is(msn, or_missing=True))
        issued = self.newest(token, url_prefix=base_url, also=ok)
        created = ExchangeFilter(operations=("create_payment",))
        ok = and_(exchanges.c.status == 201, msn_is(msn))
        last = self.newest(created, url_prefix=base_url, also=ok)
        return SidebarFacts(issued is not None, last.reference if last else None)

    # Run notes ------------------------------------------------------------------------------

    def get_meta(self, run_id: str, key: str) -> str | None:
        query = select(run_meta.c.value).where(run_meta.c.run_id == run_id, run_meta.c.key == key)
        rows = self._read(query)
        return None if not rows else str(rows[0][0])

    def set_meta(self, run_id: str, key: str, value: str | None) -> None:
        mine = and_(run_meta.c.run_id == run_id, run_meta.c.key == key)
        with self._write() as conn:
            if value is None:
                conn.execute(run_meta.delete().where(mine))
                return
            values = {"run_id": run_id, "key": key, "value": value, "updated_at": datetime.now(UTC)}
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            upsert = dialect.insert(run_meta).values(**values)
            changes = {"value": upsert.excluded.value, "updated_at": upsert.excluded.updated_at}
            conn.execute(
                upsert.on_conflict_do_update(index_elements=["run_id", "key"], set_=changes)
            )

    def meta(self, run_id: str) -> dict[str, str]:
        query = select(run_meta.c.key, run_meta.c.value).where(run_meta.c.run_id == run_id)
        return {str(k): str(v) for k, v in self._read(query.order_by(run_meta.c.key))}

    def close(self) -> None:
        self.engine.dispose()
