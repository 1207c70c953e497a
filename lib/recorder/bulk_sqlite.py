"""CSV lines, JSON records, HAR entries and curl commands written by SQLite itself, a chunk of
rows at a time.

Python per cell is what a million-row export cost (4.7x `sqlite3 -csv` for CSV, 17x for HAR);
SQLite's string operators (as balanced trees, lib/recorder/sql_concat.py) and json_object cost
a few times what its own CSV mode does. The few rows
SQLite would print otherwise than Python (a formula start, a latency with 16+ digits, schema 1's
header escapes) are listed by a partial index (lib/recorder/unusual.py) and printed by Python,
as are HAR entries of URLs with a query string and the curl commands lib/recorder/bulk_curl.py
leaves undecided.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, literal, literal_column, select, text

from lib.recorder.bulk_curl import SQLITE as CURL_SQLITE
from lib.recorder.bulk_curl import block_sql, undecided_sql
from lib.recorder.bulk_har import SQLITE, entry_sql
from lib.recorder.bulk_pair import Partner, compiled, paired
from lib.recorder.bulk_rows import PRINTERS, Printer, reprinted
from lib.recorder.filters import ExchangeFilter
from lib.recorder.frame import COLUMNS
from lib.recorder.schema import QUERY_URL, exchanges
from lib.recorder.sources import DB_COLUMNS
from lib.recorder.sql_concat import balanced, tree
from lib.recorder.sql_store import read_raw
from lib.recorder.store import Store
from lib.recorder.unusual import SQLITE_UNUSUAL

NUMBERS = frozenset({"status", "attempt", "id", "latency_ms"})
UNUSUAL_IDS = text(f"SELECT id FROM exchanges WHERE ({SQLITE_UNUSUAL}) AND id BETWEEN :a AND :b")


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


# Between printed rows: CSV lines end in CRLF; JSON records and HAR entries take ",", curl
# commands an empty line.
SEPARATORS = {"csv": b"", "json": b",", "har": b",", "curl": b"\n\n"}


class Format(NamedTuple):
    line: str  # SQL printing one row
    printer: Printer  # Python printing the rows the database does not
    unusual: bool  # the unusual rows (lib/recorder/unusual.py) are Python's
    also: str | None  # the condition of other rows Python prints


FORMATS: dict[str, Format] = {
    "csv": Format(csv_line_sql(), PRINTERS["csv"], True, None),
    "json": Format(json_record_sql(), PRINTERS["json"], True, None),
    # parse_qsl decodes a query string: Python prints those entries (a partial index lists them).
    "har": Format(balanced(entry_sql(SQLITE)), PRINTERS["har"], True, QUERY_URL),
    # A command reads no latency, no formula start, and headers as curl_headers keeps them.
    "curl": Format(block_sql(CURL_SQLITE), PRINTERS["curl"], False, undecided_sql(CURL_SQLITE)),
}


Span = tuple[int, int]  # ids after, through: the rows (after, through] of a selection
# Rows from which a second process prints every other chunk; below, starting it costs more.
PAIR_FROM = 100_000


def sqlite_chunks(
    store: Store, where: ExchangeFilter | None, chunk: int, *, fmt: str
) -> Iterator[list[bytes]]:
    """Each chunk's rows as printed lines (CSV), records (JSON), entries (HAR) or commands
    (curl), in id order.

    A chunk comes back from SQLite as one text (group_concat over the chunk's rows in id
    order: the subquery's LIMIT keeps SQLite from flattening it, so its ORDER BY holds), so
    Python touches it once, not once per row. A chunk holding a row Python must print (rare) is
    read again row by row. A big selection is printed by two processes (lib/recorder/bulk_pair.py).
    """
    line, sep = FORMATS[fmt].line, SEPARATORS[fmt]
    ranges = id_ranges(store, where, chunk)

    def print_here(bounds: Span) -> list[bytes]:
        return _printed(store, where, line, sep, bounds, fmt)

    database = store.engine.url.database
    if not database or database == ":memory:" or store.count(where) < PAIR_FROM:
        for bounds in ranges:
            if printed := print_here(bounds):
                yield printed
        return
    with Partner(database, compiled(store.engine, chunk_query(where, line, sep))) as partner:
        yield from paired(
            partner, ranges, print_here, lambda bounds: bool(unusual_ids(store, fmt, bounds))
        )


def top_id(store: Store) -> int | None:
    """The highest id now: rows written later do not stretch an export."""
    with store.engine.connect() as conn:
        return conn.execute(select(func.max(exchanges.c.id))).scalar()


def nth_query(where: ExchangeFilter | None, chunk: int) -> Select[Any]:
    """The id of the `chunk`-th matching row after :after, up to :through."""
    ids = exchanges.c.id
    return (
        select(ids)
        .where((where or ExchangeFilter()).condition())
        .where(ids > bindparam("after", 0), ids <= bindparam("through", 0))
        .order_by(ids)
        .limit(1)
        .offset(chunk - 1)
    )


def id_ranges(store: Store, where: ExchangeFilter | None, chunk: int) -> Iterator[Span]:
    """(after, through] id bounds of `chunk` matching rows each, walking the ids once."""
    after, end = 0, top_id(store)
    if end is None:
        return
    nth = nth_query(where, chunk)
    while after < end:
        with store.engine.connect() as conn:
            through = conn.execute(nth, {"after": after, "through": end}).scalar() or end
        yield after, through
        after = through


def chunk_query(where: ExchangeFilter | None, line: str, sep: bytes) -> Select[Any]:
    """The rows (:after, :through] printed and joined by `sep` as one text, with the first and
    last id; :width (through - after) is the LIMIT that keeps the rows' order."""
    ids = exchanges.c.id
    rows = (
        select(literal_column(line).label("line"), ids)
        .where((where or ExchangeFilter()).condition())
        .where(ids > bindparam("after", 0), ids <= bindparam("through", 0))
        .order_by(ids)
        .limit(bindparam("width", 0))
        .subquery()
    )
    printed = func.group_concat(rows.c.line, literal(sep.decode()))
    return select(printed, func.min(rows.c.id), func.max(rows.c.id))


def _printed(
    store: Store, where: ExchangeFilter | None, line: str, sep: bytes, bounds: Span, fmt: str
) -> list[bytes]:
    after, through = bounds
    bound = {"after": after, "through": through, "width": through - after}
    query = chunk_query(where, line, sep).params(bound)
    text, first, last = read_raw(store.engine, query, text_as_bytes=True)[0]
    if first is None:
        return []
    unusual = unusual_ids(store, fmt, (first - 1, last))
    if not unusual:
        return [text]  # (a chunk of rows Python prints has no text: NULLs are left out)
    ids = exchanges.c.id
    each_row = (
        select(literal_column(line), ids)
        .where((where or ExchangeFilter()).condition(), ids > after, ids <= through)
        .order_by(ids)
    )
    rows = read_raw(store.engine, each_row, text_as_bytes=True)
    printed = [row[0] for row in rows]
    redo = {i: row[1] for i, row in enumerate(rows) if row[1] in unusual}
    return reprinted(store, printed, redo, FORMATS[fmt].printer)


def unusual_ids(store: Store, fmt: str, span: Span) -> set[int]:
    """Rows with ids in (after, through] that Python prints in this format."""
    bounds = {"a": span[0] + 1, "b": span[1]}
    with store.engine.connect() as conn:
        found = set(conn.execute(UNUSUAL_IDS, bounds).scalars()) if FORMATS[fmt].unusual else set()
        if also := FORMATS[fmt].also:
            query = text(f"SELECT id FROM exchanges WHERE id BETWEEN :a AND :b AND {also}")
            found.update(conn.execute(query, bounds).scalars())
    return found
