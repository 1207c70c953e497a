"""CSV text of the evidence: text cells always quoted (formula starts neutralised, OWASP "CSV
injection"), numbers bare, missing values empty, CRLF line ends (RFC 4180).

Rows read from the store become text a chunk at a time: one f-string per row marks the text
cells with a control character, then a few replacements over the whole chunk quote and
neutralise them, in C, instead of Python work per cell (the cost at a million rows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, literal, type_coerce

from lib.recorder.filters import ExchangeFilter
from lib.recorder.schema import exchanges
from lib.recorder.sources import DB_COLUMNS
from lib.recorder.store import Store

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
Q, E, NULL = "\x00", "\x01", "\x02"  # a text cell's opening and closing quotes; a missing text
# A formula start right after a cell's opening mark: one pass puts the quote there.
_STARTS = re.compile(Q + "(?=[=+\\-@\t\r\n])")
NUMBERS = frozenset({"status", "attempt", "id"})
WIDTH = len(DB_COLUMNS)
TEXTS = WIDTH - len(NUMBERS) - 1  # the latency is the one float


def cell(value: Any) -> str:
    """One cell: the general path (frames, lists, and a chunk the fast path cannot take)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.isoformat()
    if isinstance(value, str):
        if value.startswith(FORMULA_START):
            value = "'" + value
        return '"' + value.replace('"', '""') + '"'
    return str(value)


def lines(rows: Iterable[Sequence[Any]]) -> str:
    return "".join(",".join(cell(v) for v in row) + "\r\n" for row in rows)


def _columns(dialect: str) -> list[ColumnElement[Any]]:
    """Numbers as text ('' when missing), a missing text as a mark, the count of those."""
    found: list[ColumnElement[Any]] = []
    for name in DB_COLUMNS:
        column = exchanges.c[name]
        if name == "started_at":  # SQLite keeps ISO 8601 text: no parsing and printing back
            found.append(type_coerce(column, String) if dialect == "sqlite" else column)
        elif name == "latency_ms":
            found.append(column)
        elif name in NUMBERS:
            found.append(func.coalesce(cast(column, String), literal("")))
        else:
            found.append(func.coalesce(column, literal(NULL)))
    nulls = [exchanges.c[n].is_(None) for n in DB_COLUMNS if n not in NUMBERS | {"latency_ms"}]
    found.append(sum((case((n, 1), else_=0) for n in nulls), literal(0)))
    return found


def _marked(rows: Sequence[Sequence[Any]]) -> str:
    return "".join([
        f"{Q}{t if t.__class__ is str else t.isoformat()}{E},{Q}{run}{E},{Q}{step}{E},{Q}{op}{E},"
        f"{Q}{method}{E},{Q}{url}{E},{status},{'' if lat is None else repr(lat)},"
        f"{Q}{ref}{E},{Q}{key}{E},{attempt},{Q}{error}{E},{Q}{target}{E},{id_},"
        f"{Q}{rh}{E},{Q}{rb}{E},{Q}{sh}{E},{Q}{sb}{E}\r\n"
        for (t, run, step, op, method, url, status, lat, ref, key, attempt, error, target, id_,
             rh, rb, sh, sb, _) in rows
    ])  # fmt: skip


def _finished(text: str) -> str:
    text = text.replace('"', '""').replace(Q + NULL + E, "")
    return _STARTS.sub(Q + "'", text).replace(Q, '"').replace(E, '"')


def _clean(text: str, rows: Sequence[Sequence[Any]]) -> bool:
    """No cell held a marker character itself (else the chunk takes the general path)."""
    nulls = sum(int(row[-1]) for row in rows)
    cells = TEXTS * len(rows)
    return text.count(Q) == cells == text.count(E) and text.count(NULL) == nulls


def _plain(row: Sequence[Any]) -> list[Any]:
    """A fast-path row as plain values again."""
    return [
        None if v == NULL or v == "" and name in NUMBERS else int(v) if name in NUMBERS else v
        for name, v in zip(DB_COLUMNS, row[:-1], strict=True)
    ]


def store_lines(store: Store, where: ExchangeFilter | None, chunk: int) -> Iterator[str]:
    """The data lines of a selection in the store, one string per chunk of rows."""
    columns = _columns(store.engine.dialect.name)
    for rows in store.iter_rows(where, columns, chunk=chunk, raw=True):
        text = _marked(rows)
        yield _finished(text) if _clean(text, rows) else lines(_plain(r) for r in rows)
