"""CSV cells written by the database: formula neutralisation and RFC 4180 quoting as SQL, so a
big export streams ready text instead of quoting millions of cells in Python.

Gives the same bytes as `csv.writer(lineterminator="\\r\\n")` over neutralised cells (tested);
only the latency (Python's float repr) and the time (ISO 8601) are formatted here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, literal, or_, type_coerce

from lib.recorder.filters import ExchangeFilter
from lib.recorder.schema import exchanges
from lib.recorder.store import Store

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
HEAD = ("run_id", "step", "operation", "method", "url", "status")  # after the time
TAIL = ("reference", "idempotency_key", "attempt", "error", "target", "id", "request_headers",
        "request_body", "response_headers", "response_body")  # fmt: skip  # after latency_ms
NUMBERS = {"status", "attempt", "id"}


def _text(dialect: str, value: Any) -> ColumnElement[str]:
    """One text cell: '' for NULL, a quote before a formula start, quoted when it must be."""
    position = func.strpos if dialect == "postgresql" else func.instr
    first = func.substr(value, 1, 1)
    safe = case((first.in_(FORMULA_START), literal("'") + value), else_=value)
    special = or_(*(position(safe, literal(c)) > 0 for c in ('"', ",", "\n", "\r")))
    quoted = literal('"') + func.replace(safe, literal('"'), literal('""')) + literal('"')
    return case((value.is_(None), literal("")), (special, quoted), else_=safe)


def _cell(dialect: str, name: str) -> ColumnElement[str]:
    column = exchanges.c[name]
    if name in NUMBERS:
        return func.coalesce(cast(column, String), literal(""))
    return _text(dialect, column)


def _joined(dialect: str, names: tuple[str, ...]) -> ColumnElement[str]:
    cells = [_cell(dialect, n) for n in names]
    joined = cells[0]
    for cell in cells[1:]:
        joined = joined + literal(",") + cell
    return joined


def csv_lines(store: Store, where: ExchangeFilter | None, chunk: int) -> Iterator[str]:
    """The export's data lines (COLUMNS order, CRLF), a chunk of lines per string."""
    dialect = store.engine.dialect.name
    time: ColumnElement[Any] = exchanges.c.started_at
    if dialect == "sqlite":  # stored as ISO 8601 text already: no parsing and printing back
        time = type_coerce(time, String)
    head = _joined(dialect, HEAD) + literal(",")
    tail = literal(",") + _joined(dialect, TAIL)
    columns = [time, head, exchanges.c.latency_ms, tail]
    for rows in store.iter_rows(where, columns, chunk=chunk):
        yield "".join(
            f"{_iso(t)},{h}{'' if lat is None else repr(lat)}{tl}\r\n" for t, h, lat, tl in rows
        )


def _iso(moment: Any) -> str:
    return moment if moment.__class__ is str else str(moment.isoformat())
