"""CSV lines and JSON records written by SQLite itself, a chunk of rows at a time.

Python per cell is what a million-row export cost (4.7x `sqlite3 -csv`); SQLite's string
operators and json_object cost about what its own CSV mode does. The few rows SQLite would print
otherwise than Python (a formula start, a latency with 16+ digits, schema 1's header escapes)
are listed by a partial index (lib/recorder/unusual.py) and printed by Python.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, literal_column, text

from lib.recorder.bulk_rows import Printer, csv_line, json_line, printed_by_python
from lib.recorder.filters import ExchangeFilter
from lib.recorder.frame import COLUMNS
from lib.recorder.schema import exchanges
from lib.recorder.sources import DB_COLUMNS
from lib.recorder.store import Store
from lib.recorder.unusual import SQLITE_UNUSUAL

NUMBERS = frozenset({"status", "attempt", "id", "latency_ms"})
UNUSUAL_IDS = text(f"SELECT id FROM exchanges WHERE ({SQLITE_UNUSUAL}) AND id BETWEEN :a AND :b")


def _csv_cell(name: str) -> str:
    if name in NUMBERS:
        found = name  # SQLite prints a REAL as Python does, but for the unusual rows
    elif name == "started_at":
        found = "'\"' || started_at || '\"'"  # ISO 8601 text: no quote inside
    else:
        found = f"'\"' || replace({name}, '\"', '\"\"') || '\"'"
    return f"coalesce({found}, '')" if exchanges.c[name].nullable else found


def csv_line_sql() -> ColumnElement[bytes]:
    cells = " || ',' || ".join(_csv_cell(name) for name in DB_COLUMNS)
    return literal_column(f"CAST({cells} || char(13, 10) AS BLOB)")


def json_record_sql() -> ColumnElement[bytes]:
    pairs = ", ".join(f"'{key}', {name}" for key, name in zip(COLUMNS, DB_COLUMNS, strict=True))
    return literal_column(f"CAST(json_object({pairs}) AS BLOB)")


def sqlite_chunks(
    store: Store, where: ExchangeFilter | None, chunk: int, *, fmt: str
) -> Iterator[list[bytes]]:
    """Each chunk's rows as printed lines (CSV) or records (JSON), in id order."""
    line, printer = (csv_line_sql(), csv_line) if fmt == "csv" else (json_record_sql(), json_line)
    for rows in store.iter_rows(where, [line, "id"], chunk=chunk, raw=True):
        printed = [row[0] for row in rows]
        yield _with_unusual(store, rows, printed, printer)


def _with_unusual(
    store: Store, rows: Sequence[Any], printed: list[bytes], printer: Printer
) -> list[bytes]:
    with store.engine.connect() as conn:
        found = conn.execute(UNUSUAL_IDS, {"a": rows[0][1], "b": rows[-1][1]}).scalars().all()
    if not found:
        return printed
    wanted = set(found)
    at = {row[1]: i for i, row in enumerate(rows) if row[1] in wanted}
    for id_, line in printed_by_python(store, at, printer).items():
        printed[at[id_]] = line
    return printed
