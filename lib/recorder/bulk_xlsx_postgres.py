"""The Excel sheet's rows from PostgreSQL (the SQL: lib/recorder/bulk_xlsx.py), a chunk per
query on two connections at once.

PostgreSQL prints in its server, one backend per connection, so two connections print two
chunks at once on two cores, while this process finishes and deflates the chunk before. A chunk
comes back as one text in UTF-8 bytes (string_agg), not a message per row as from COPY, whose
wait for each row cost the client a third of a core. The server works more (100,000 rows: 1.6
to 1.8 s of CPU, against 0.9 s for one COPY), but in two processes: 1.7-1.9 s against 1.9-2.4 s
on this two-core machine. A chunk holding a row Python prints is read again row by row.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from itertools import chain
from typing import Any

from sqlalchemy import LargeBinary, Select, func, literal_column, select

from lib.recorder.bulk_sqlite import Span, id_ranges
from lib.recorder.bulk_xlsx import PG_PYTHON, finished, row_sql
from lib.recorder.filters import ExchangeFilter
from lib.recorder.schema import exchanges
from lib.recorder.store import Store
from lib.recorder.xlsx import Block

CONNECTIONS = 2  # chunks printed at once, one server backend (and core) each


def postgres_sheet(
    store: Store, where: ExchangeFilter | None, chunk: int, stamp: int
) -> Iterator[Block]:
    """Each chunk of the selection, in id order, as the work finishing one block of the sheet
    (run on the writer's thread while the server prints the next chunks)."""
    line = f"CASE WHEN {PG_PYTHON} THEN E'\\x01' ELSE {row_sql(stamp, postgres=True)} END"
    with ThreadPoolExecutor(CONNECTIONS, thread_name_prefix="xlsx-postgres") as pool:
        pending: deque[Future[Block | None]] = deque()
        for bounds in chain(id_ranges(store, where, chunk), [None]):  # None: the end
            if bounds is not None:
                pending.append(pool.submit(_postgres_chunk, store, where, line, bounds, stamp))
            while pending and (bounds is None or len(pending) > CONNECTIONS):
                if (block := pending.popleft().result()) is not None:
                    yield block


def _postgres_chunk(
    store: Store, where: ExchangeFilter | None, line: str, bounds: Span, stamp: int
) -> Block | None:
    ids = exchanges.c.id
    rows = (
        select(literal_column(line).label("line"), ids)
        .where((where or ExchangeFilter()).condition(), ids > bounds[0], ids <= bounds[1])
        .order_by(ids)
    )
    # The LIMIT keeps the subquery whole, so string_agg reads its rows in id order (an ORDER BY
    # inside string_agg sorts them again: 10 MB a chunk, spilled to disk, 2.5 times the time).
    inner = rows.limit(bounds[1] - bounds[0]).subquery()
    whole: Select[Any] = select(
        literal_column(f"convert_to(string_agg({inner.c.line}, ''), 'UTF8')"),
        func.max(func.octet_length(inner.c.line)),
    )
    printed, longest = _fetched(store, whole)[0]
    if printed is None:
        return None
    utf8 = literal_column(f"convert_to({line}, 'UTF8')", LargeBinary)
    again = partial(_fetched, store, rows.with_only_columns(utf8, ids))
    return partial(finished, store, printed, longest, set(), again, stamp, marked=False)


def _fetched(store: Store, query: Select[Any]) -> list[Any]:
    """The driver's own rows, bytea as bytes (binary results), from one server process."""
    sql = query.compile(dialect=store.engine.dialect, compile_kwargs={"render_postcompile": True})
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor(binary=True)  # psycopg: bytea as bytes, no hex text
        # A parallel plan would take a third core from the chunk the other connection prints.
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(str(sql), sql.params)
        found = list(cursor.fetchall())
        cursor.close()
        raw.commit()
        return found
    finally:
        raw.close()
