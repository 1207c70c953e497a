"""The Python printing of single rows for the bulk exports: the rows the database cannot print
as Python does (lib/recorder/unusual.py) are read by id and printed here, the general way."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import select

from lib.recorder.csv_text import lines
from lib.recorder.frame import COLUMNS
from lib.recorder.schema import exchanges
from lib.recorder.sources import DB_COLUMNS, iso, stored_row
from lib.recorder.store import Store

Printer = Callable[[Sequence[Any]], bytes]


def csv_line(row: Sequence[Any]) -> bytes:
    return lines([row]).encode("utf-8")


def json_record(row: Sequence[Any]) -> str:
    """One record of the JSON export (compact, as SQLite's json_object writes it)."""
    record = dict(zip(COLUMNS, map(iso, row), strict=True))
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def json_line(row: Sequence[Any]) -> bytes:
    return json_record(row).encode("utf-8")


def printed_by_python(store: Store, ids: Iterable[int], printer: Printer) -> dict[int, bytes]:
    """The rows with these ids, each printed by `printer` (a few per export, if any)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    columns = [exchanges.c[name] for name in DB_COLUMNS]
    query = select(*columns).where(exchanges.c.id.in_(wanted))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    at = DB_COLUMNS.index("id")
    return {row[at]: printer(stored_row(row)) for row in rows}
