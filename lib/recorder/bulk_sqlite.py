"""CSV lines, JSON records and HAR entries written by SQLite itself, a chunk of rows at a time.

Python per cell is what a million-row export cost (4.7x `sqlite3 -csv` for CSV, 17x for HAR);
SQLite's string operators (as balanced trees, lib/recorder/sql_concat.py) and json_object cost
a few times what its own CSV mode does. The few rows
SQLite would print otherwise than Python (a formula start, a latency with 16+ digits, schema 1's
header escapes) are listed by a partial index (lib/recorder/unusual.py) and printed by Python,
as are HAR entries of URLs with a query string.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, literal_column, text

from lib.recorder.bulk_har import SQLITE, entry_sql
from lib.recorder.bulk_rows import Printer, csv_printer, har_printer, json_printer, reprinted
from lib.recorder.filters import ExchangeFilter
from lib.recorder.frame import COLUMNS
from lib.recorder.schema import exchanges
from lib.recorder.sources import DB_COLUMNS
from lib.recorder.sql_concat import balanced, tree
from lib.recorder.store import Store
from lib.recorder.unusual import SQLITE_UNUSUAL

NUMBERS = frozenset({"status", "attempt", "id", "latency_ms"})
UNUSUAL_IDS = text(f"SELECT id FROM exchanges WHERE ({SQLITE_UNUSUAL}) AND id BETWEEN :a AND :b")
# HAR: parse_qsl decodes a query string; Python prints those entries.
_QUERY_IDS = text("SELECT id FROM exchanges WHERE id BETWEEN :a AND :b AND instr(url, '?') > 0")


def _csv_cell(name: str) -> list[str]:
    """A cell's pieces: a missing value prints nothing, so a nullable cell is one piece."""
    if name in NUMBERS:
        found = [name]  # SQLite prints a REAL as Python does, but for the unusual rows
    elif name == "started_at":
        found = ["'\"'", "started_at", "'\"'"]  # ISO 8601 text: no quote inside
    else:
        found = ["'\"'", f"replace({name}, '\"', '\"\"')", "'\"'"]
    if exchanges.c[name].nullable:
        return [f"coalesce({' || '.join(found)}, '')"]
    return found


def _merged(parts: list[str]) -> list[str]:
    """Neighbouring literals as one ('"' || ',' || '"' -> '","'): fewer copies per row."""
    out: list[str] = []
    for part in parts:
        literal = part.startswith("'") and part.endswith("'") and len(part) >= 2
        if literal and out and out[-1].startswith("'") and out[-1].endswith("'"):
            out[-1] = out[-1][:-1] + part[1:]
        else:
            out.append(part)
    return out


def csv_line_sql() -> str:
    parts = []
    for name in DB_COLUMNS:
        parts += [*_csv_cell(name), "','"]
    return tree(_merged([*parts[:-1], "char(13, 10)"]))


def json_record_sql() -> str:
    pairs = ", ".join(f"'{key}', {name}" for key, name in zip(COLUMNS, DB_COLUMNS, strict=True))
    return f"json_object({pairs})"


# format -> (SQL printing one row, Python printing the others, rows with a query string too)
FORMATS: dict[str, tuple[str, Printer, bool]] = {
    "csv": (csv_line_sql(), csv_printer, False),
    "json": (json_record_sql(), json_printer, False),
    "har": (balanced(entry_sql(SQLITE)), har_printer, True),
}


def sqlite_chunks(
    store: Store, where: ExchangeFilter | None, chunk: int, *, fmt: str
) -> Iterator[list[bytes]]:
    """Each chunk's rows as printed lines (CSV), records (JSON) or entries (HAR), in id order."""
    sql, printer, queries = FORMATS[fmt]
    line: ColumnElement[Any] = literal_column(sql)
    for rows in store.iter_rows(where, [line, "id"], chunk=chunk, raw=True, text_as_bytes=True):
        printed = [row[0] for row in rows]
        yield _with_unusual(store, rows, printed, printer, queries)


def _with_unusual(
    store: Store, rows: Sequence[Any], printed: list[bytes], printer: Printer, queries: bool
) -> list[bytes]:
    bounds = {"a": rows[0][1], "b": rows[-1][1]}
    with store.engine.connect() as conn:
        found = set(conn.execute(UNUSUAL_IDS, bounds).scalars())
        if queries:
            found.update(conn.execute(_QUERY_IDS, bounds).scalars())
    redo = {i: row[1] for i, row in enumerate(rows) if row[1] in found} if found else {}
    return reprinted(store, printed, redo, printer)
