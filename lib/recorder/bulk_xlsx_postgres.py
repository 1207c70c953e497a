"""The Excel sheet's rows from PostgreSQL (the SQL: lib/recorder/bulk_xlsx.py), a chunk per
query on several connections at once (lib/recorder/bulk_postgres_agg.py's CONNECTIONS).

PostgreSQL prints in its server, one backend per connection, so the connections print chunks
at once on all cores, while this process finishes and deflates the chunk before. A chunk
comes back as one text in UTF-8 bytes (string_agg), not a message per row as from COPY, whose
wait for each row cost the client a third of a core. The server works more (100,000 rows: 1.6
to 1.8 s of CPU, against 0.9 s for one COPY), but in two processes (two connections then):
1.7-1.9 s against 1.9-2.4 s on this two-core machine. A chunk holding a row Python prints
is read again row by row.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from sqlalchemy import Select, func, literal_column, select

from lib.recorder.bulk_postgres_agg import chunk_rows, fetched, in_order
from lib.recorder.bulk_sqlite import Span, id_ranges
from lib.recorder.bulk_xlsx import PG_PYTHON, finished, row_sql
from lib.recorder.filters import ExchangeFilter
from lib.recorder.schema import exchanges
from lib.recorder.store import Store
from lib.recorder.xlsx import Block


def postgres_sheet(
    store: Store, where: ExchangeFilter | None, chunk: int, stamp: int
) -> Iterator[Block]:
    """Each chunk of the selection, in id order, as the work finishing one block of the sheet
    (run on the writer's thread while the server prints the next chunks)."""
    line = f"CASE WHEN {PG_PYTHON} THEN E'\\x01' ELSE {row_sql(stamp, postgres=True)} END"

    def block_of(bounds: Span) -> Block | None:
        return _postgres_chunk(store, where, line, bounds, stamp)

    blocks: Iterator[Block] = in_order(block_of, id_ranges(store, where, chunk))
    yield from blocks


def _postgres_chunk(
    store: Store, where: ExchangeFilter | None, line: str, bounds: Span, stamp: int
) -> Block | None:
    rows = chunk_rows(where, [literal_column(line).label("line"), exchanges.c.id], bounds)
    inner = rows.subquery()
    whole: Select[Any] = select(
        literal_column(f"string_agg({inner.c.line}, '')"),
        func.max(func.octet_length(inner.c.line)),
    )
    printed, longest = fetched(store, whole)[0]
    if printed is None:
        return None
    again = partial(fetched, store, rows)
    return partial(finished, store, printed, longest, set(), again, stamp, marked=False)
