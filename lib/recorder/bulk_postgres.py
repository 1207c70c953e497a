"""CSV lines written by PostgreSQL itself, through COPY, row by row; JSON records, HAR entries
and curl commands a chunk per query (lib/recorder/bulk_postgres_agg.py).

COPY is PostgreSQL's own bulk export; the SELECT under it prints each value as the Python export
does (ISO times, Python's float text, neutralised formula starts), so the bytes are the same.
Rows with a latency PostgreSQL prints otherwise come back marked with their id and are printed
by Python (lib/recorder/unusual.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, literal_column, select

from lib.recorder.bulk_curl import POSTGRES as CURL_POSTGRES
from lib.recorder.bulk_curl import block_sql, undecided_sql
from lib.recorder.bulk_har import POSTGRES, entry_sql
from lib.recorder.bulk_postgres_agg import agg_chunks
from lib.recorder.bulk_rows import PRINTERS, reprinted
from lib.recorder.filters import ExchangeFilter
from lib.recorder.frame import COLUMNS
from lib.recorder.schema import exchanges
from lib.recorder.sources import DB_COLUMNS
from lib.recorder.sql_concat import balanced
from lib.recorder.store import Store
from lib.recorder.unusual import CHECKED_TEXTS, postgres_redo

NUMBERS = ("status", "attempt", "id")
TIME = POSTGRES.time
NUMBER = POSTGRES.number
LATENCY = NUMBER.format(x="latency_ms")
_STARTS = "('=', '+', '-', '@', E'\\t', E'\\r', E'\\n')"
REDO = f"CASE WHEN {postgres_redo()} THEN id END"


def _csv_value(name: str) -> str:
    if name == "started_at":
        return TIME
    if name == "latency_ms":
        return LATENCY
    if name in CHECKED_TEXTS:
        return f"CASE WHEN left({name}, 1) IN {_STARTS} THEN '''' || {name} ELSE {name} END"
    return name


def _json_record() -> str:
    parts: list[str] = []
    for key, name in zip(COLUMNS, DB_COLUMNS, strict=True):
        if name in NUMBERS:
            value = f"{name}::text"
        elif name == "latency_ms":
            value = LATENCY
        else:
            value = f"to_json({TIME if name == 'started_at' else name})::text"
        parts.append(f"'{',' if parts else '{'}\"{key}\":' || coalesce({value}, 'null')")
    return " || ".join(parts) + " || '}'"


# JSON, HAR and curl, printed a chunk per query (bulk_postgres_agg.py): the row's SQL, the
# separator between rows, the rows Python prints (curl's: lib/recorder/bulk_curl.py; its text
# reads no latency, and the headers only as curl_headers keeps them).
AGG: dict[str, tuple[str, str, str]] = {
    "json": (_json_record(), ",", postgres_redo()),
    # A balanced tree of || (lib/recorder/sql_concat.py): 16.8 -> 14.7 us a row.
    "har": (balanced(entry_sql(POSTGRES)), ",", f"({postgres_redo()} OR strpos(url, '?') > 0)"),
    "curl": (block_sql(CURL_POSTGRES), "\n\n", undecided_sql(CURL_POSTGRES)),
}


def _copy_sql(store: Store, where: ExchangeFilter | None) -> tuple[str, dict[str, Any]]:
    """The CSV export's COPY: each row's id first when Python prints it, then its cells."""
    values: list[Any] = [literal_column(_csv_value(n)).label(n) for n in DB_COLUMNS]
    texts = [n for n in DB_COLUMNS if n not in (*NUMBERS, "latency_ms")]
    options = f"FORMAT csv, FORCE_QUOTE ({', '.join(texts)})"
    with store.engine.connect() as conn:
        top = conn.execute(select(func.max(exchanges.c.id))).scalar() or 0
    query = (
        select(literal_column(REDO).label("redo"), *values)
        .where((where or ExchangeFilter()).condition(), exchanges.c.id <= top)
        .order_by(exchanges.c.id)
    )
    compiled = query.compile(dialect=store.engine.dialect,
                             compile_kwargs={"render_postcompile": True})  # fmt: skip
    return f"COPY ({compiled}) TO STDOUT ({options})", dict(compiled.params)


def postgres_chunks(
    store: Store, where: ExchangeFilter | None, chunk: int, *, fmt: str
) -> Iterator[list[bytes]]:
    """Each chunk's rows as printed lines (CSV), records (JSON), entries (HAR) or commands
    (curl), in id order."""
    if fmt in AGG:
        line, between, to_redo = AGG[fmt]
        yield from agg_chunks(store, where, chunk, line, to_redo, PRINTERS[fmt], between)
        return
    statement, params = _copy_sql(store, where)
    printer, end = PRINTERS[fmt], b"\r\n"
    sep = b","  # after the first field, the id to redo or nothing
    printed: list[bytes] = []
    redo: dict[int, int] = {}  # position in the chunk -> exchange id
    raw = store.engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(statement, params) as copy:  # type: ignore[attr-defined]
            for data in copy:
                row = bytes(data)
                cut = row.index(sep)
                if cut:  # the row's id: Python prints it
                    redo[len(printed)] = int(row[:cut])
                printed.append(row[cut + 1 : -1] + end)
                if len(printed) == chunk:
                    yield reprinted(store, printed, redo, printer)
                    printed, redo = [], {}
        raw.commit()
    finally:
        raw.close()
    if printed:
        yield reprinted(store, printed, redo, printer)
