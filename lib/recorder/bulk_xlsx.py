"""The Excel sheet's data rows printed by the database, a chunk at a time: the same bytes as
`lib.recorder.xlsx.print_row` (the tests compare whole sheets on both databases).

Each database concatenates each row, and a chunk of rows into one text. SQLite spells its tags
with the bytes 0xFE and 0xFF for "<" and ">" (never in UTF-8, and all text in the store is
UTF-8), so Python escapes the data's & < > over the whole chunk at once (memchr fast; three LIKE
tests per cell cost SQLite a quarter more time), then turns the two bytes into brackets.
PostgreSQL cannot hold such bytes: it escapes & < > itself (replace is cheap there). Either way
Python writes a carriage return as "&#13;", and checks the chunk for what it prints otherwise.

Where the databases would print otherwise, they print what Python prints, or leave the row to
Python: the day number is integer arithmetic on both sides (a float's digits differ: Python's
repr has 17, SQLite 15); latencies are SQLite's REAL text, PostgreSQL's with Python's ".0", and
the rows where those differ from repr (SQLite's partial index, lib/recorder/unusual.py, which
also lists formula starts, harmless here; PostgreSQL's `PG_PYTHON`) go to Python, as do schema
1's header escapes, times before Excel's day 0 (1899-12-30), and rows whose printed bytes hold
what Python escapes or cuts: an XML-forbidden character or U+FFFE/U+FFFF (Excel's `_xHHHH_`),
text that reads like such an escape, a row over 32,767 bytes (a cell may pass Excel's limit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial

from sqlalchemy import LargeBinary, cast, func, literal_column, select, text

from lib.recorder.bulk_har import POSTGRES
from lib.recorder.bulk_rows import reprinted
from lib.recorder.filters import ExchangeFilter
from lib.recorder.schema import exchanges
from lib.recorder.sources import DB_COLUMNS, stored_row
from lib.recorder.sql_concat import tree
from lib.recorder.sql_store import read_raw
from lib.recorder.store import Store
from lib.recorder.unusual import SQLITE_UNUSUAL, postgres_redo
from lib.recorder.xlsx import (
    CELL_LIMIT,
    EMPTY,
    END,
    MARKED,
    NUMBER,
    NUMBER_END,
    ROW,
    TEXT,
    TEXT_END,
    Block,
    database_rows,
    date_tag,
    print_row,
)

NUMBERS = frozenset({"status", "attempt", "id", "latency_ms"})
DAY_ZERO = "1899-12-30"  # Excel's day 0: earlier times are printed by Python (a minus sign)
# SQLite: its partial index, and times before day 0 (an indexed range on started_at).
_SQLITE_IDS = text(
    f"SELECT id FROM exchanges WHERE ({SQLITE_UNUSUAL}) AND id BETWEEN :a AND :b UNION ALL"
    f" SELECT id FROM exchanges WHERE started_at < '{DAY_ZERO}' AND id BETWEEN :a AND :b"
)

# The time as `excel_days` prints it: whole seconds and microseconds of the ISO text
# (YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00), then integers only.
_SECONDS = "(unixepoch(substr(started_at, 1, 19)) + 2209161600)"  # its fraction would round
_MICROS = (
    "(CASE WHEN substr(started_at, 20, 1) = '.'"
    " THEN CAST(substr(started_at, 21, 6) AS INTEGER) ELSE 0 END)"
)
SQLITE_DAYS = (
    f"printf('%d.%011d', {_SECONDS} / 86400,"
    f" ((({_SECONDS} % 86400) * 1000000 + {_MICROS}) * 100000 + 43200) / 86400)"
)
_PG_MICROS = "((extract(epoch FROM started_at) * 1000000)::bigint + 2209161600000000)"
POSTGRES_DAYS = (
    f"({_PG_MICROS} / 86400000000)::text || '.' ||"
    f" lpad(((mod({_PG_MICROS}, 86400000000) * 100000 + 43200) / 86400)::text, 11, '0')"
)
# PostgreSQL: the rows Python prints (the bulk exports' own, and times before day 0).
PG_PYTHON = f"{postgres_redo()} OR started_at < '{DAY_ZERO} 00:00:00+00'"
_PG_ESCAPED = "replace(replace(replace({x}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"


def _literal(tag: str, postgres: bool) -> str:
    if postgres:
        return f"'{tag}'"  # the tags hold no quote
    return f"CAST(X'{tag.encode().translate(MARKED).hex()}' AS TEXT)"


def row_sql(stamp: int, *, postgres: bool) -> str:
    """The SQL printing one row of the sheet (SQLite: with 0xFE and 0xFF for the brackets)."""
    parts: list[str | tuple[str]] = [(ROW,)]  # a tuple: tag text, not yet SQL
    for name in DB_COLUMNS:
        cell: list[str | tuple[str]]
        if name == "started_at":
            cell = [(date_tag(stamp),), POSTGRES_DAYS if postgres else SQLITE_DAYS, (NUMBER_END,)]
        elif name in NUMBERS:
            value = name  # SQLite prints a REAL as Python does, but for the unusual rows
            if postgres:  # Python's "12.0" where PostgreSQL says "12"
                value = POSTGRES.number.format(x=name) if name == "latency_ms" else f"{name}::text"
            cell = [(NUMBER,), value, (NUMBER_END,)]
        else:
            value = _PG_ESCAPED.format(x=name) if postgres else name
            cell = [(TEXT,), value, (TEXT_END,)]
        if exchanges.c[name].nullable:  # a missing value: '<c/>'
            inner = " || ".join(p if isinstance(p, str) else _literal(p[0], postgres) for p in cell)
            cell = [f"coalesce({inner}, {_literal(EMPTY, postgres)})"]
        parts += cell
    parts.append((END,))
    merged: list[str | tuple[str]] = []
    for part in parts:  # neighbouring tags as one literal: fewer copies per row
        if isinstance(part, tuple) and merged and isinstance(merged[-1], tuple):
            merged[-1] = (merged[-1][0] + part[0],)
        else:
            merged.append(part)
    return tree([p if isinstance(p, str) else _literal(p[0], postgres) for p in merged])


def xlsx_printer(store: Store, ids: Iterable[int], *, stamp: int) -> dict[int, bytes]:
    """The rows with these ids as Python prints them."""
    wanted = sorted(set(ids))
    query = select(*(exchanges.c[n] for n in DB_COLUMNS)).where(exchanges.c.id.in_(wanted))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all() if wanted else []
    at = DB_COLUMNS.index("id")
    return {row[at]: print_row(stored_row(row), stamp).encode("utf-8") for row in rows}


def finished(
    store: Store, printed: bytes, longest: int, python: set[int],
    rows: Callable[[], Sequence[tuple[bytes | None, int]]], stamp: int, *, marked: bool,
) -> bytes:  # fmt: skip
    """A chunk as the sheet's bytes: the database's `printed` chunk when it holds no row Python
    prints (`python`, the ids the database named; a row over the cell limit; what
    `database_rows` turns away), else row by row from `rows()`: each row's text (None where the
    database left it out) and id."""
    fits = not python and longest <= CELL_LIMIT
    if fits and (block := database_rows(printed, marked=marked)) is not None:
        return block  # the common case: the whole chunk at once
    out: list[bytes] = []
    redo: dict[int, int] = {}  # position in the chunk -> exchange id
    for at, (row, id_) in enumerate(rows()):
        final = None
        if row is not None and id_ not in python and len(row) <= CELL_LIMIT:
            final = database_rows(row, marked=marked)
        if final is None:
            redo[at] = id_
        out.append(b"" if final is None else final)
    return b"".join(reprinted(store, out, redo, partial(xlsx_printer, stamp=stamp)))


def sqlite_sheet(
    store: Store, where: ExchangeFilter | None, chunk: int, stamp: int
) -> Iterator[Block]:
    """Each chunk of the selection, in id order, as the work finishing one block of the sheet
    (run on the writer's thread while SQLite prints the next chunk in one step, without the
    GIL: group_concat over the chunk's rows, whose order the subquery's LIMIT keeps by keeping
    SQLite from flattening it). A chunk holding a row Python prints (rare) is read again row by
    row."""
    line = literal_column(row_sql(stamp, postgres=False), LargeBinary).label("line")
    ids = exchanges.c.id
    condition = (where or ExchangeFilter()).condition()
    with store.engine.connect() as conn:
        top = conn.execute(select(func.max(ids))).scalar() or 0
    after = 0
    while after < top:
        rows = select(line, ids).where(condition, ids > after, ids <= top).order_by(ids)
        inner = rows.limit(chunk).subquery()
        longest = func.max(func.length(cast(inner.c.line, LargeBinary)))
        whole = select(func.group_concat(inner.c.line, ""), func.min(inner.c.id),
                       func.max(inner.c.id), longest)  # fmt: skip
        printed, first, after, size = read_raw(store.engine, whole, text_as_bytes=True)[0]
        if printed is None:
            return
        with store.engine.connect() as conn:
            found = set(conn.execute(_SQLITE_IDS, {"a": first, "b": after}).scalars())
        again = partial(read_raw, store.engine, rows.where(ids <= after), text_as_bytes=True)
        yield partial(finished, store, printed, size, found, again, stamp, marked=True)


def stored_text_bytes(store: Store, where: ExchangeFilter | None) -> int:
    """The UTF-8 bytes of the selection's text cells (at least their characters; SQLite's
    length() of a text stops at a NUL, of a blob it counts bytes)."""
    postgres = store.engine.dialect.name == "postgresql"
    texts = [exchanges.c[n] for n in DB_COLUMNS if n not in NUMBERS and n != "started_at"]
    sizes = [func.octet_length(c) if postgres else func.length(cast(c, LargeBinary)) for c in texts]
    query = select(*(func.coalesce(func.sum(s), 0) for s in sizes))
    with store.engine.connect() as conn:
        return sum(conn.execute(query.where((where or ExchangeFilter()).condition())).one())
