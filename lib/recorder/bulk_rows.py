"""The Python printing of single rows for the bulk exports: the rows the database cannot print
as Python does (lib/recorder/unusual.py) are read by id and printed here, the general way."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import select

from lib.exchange import Exchange
from lib.recorder.csv_text import lines
from lib.recorder.curl import curl_block
from lib.recorder.frame import COLUMNS
from lib.recorder.har import har_text
from lib.recorder.rows import to_exchange
from lib.recorder.schema import EXCHANGE_COLUMNS, exchanges
from lib.recorder.sources import DB_COLUMNS, iso, stored_row
from lib.recorder.store import Store

# Prints the rows with these ids, each as the export's bytes for it.
Printer = Callable[[Store, Iterable[int]], dict[int, bytes]]


def json_record(row: Sequence[Any]) -> str:
    """One record of the JSON export (compact, as SQLite's json_object writes it)."""
    record = dict(zip(COLUMNS, map(iso, row), strict=True))
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _rows(store: Store, ids: Iterable[int], columns: Sequence[str]) -> list[Any]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    query = select(*(exchanges.c[n] for n in columns)).where(exchanges.c.id.in_(wanted))
    with store.engine.connect() as conn:
        return list(conn.execute(query).all())


def _export_rows(store: Store, ids: Iterable[int]) -> dict[int, list[Any]]:
    at = DB_COLUMNS.index("id")
    return {row[at]: stored_row(row) for row in _rows(store, ids, DB_COLUMNS)}


def _exchanges(store: Store, ids: Iterable[int]) -> dict[int, Exchange]:
    found = (to_exchange(row._mapping) for row in _rows(store, ids, EXCHANGE_COLUMNS))
    return {e.id: e for e in found if e.id is not None}


def csv_printer(store: Store, ids: Iterable[int]) -> dict[int, bytes]:
    return {i: lines([row]).encode("utf-8") for i, row in _export_rows(store, ids).items()}


def json_printer(store: Store, ids: Iterable[int]) -> dict[int, bytes]:
    return {i: json_record(row).encode("utf-8") for i, row in _export_rows(store, ids).items()}


def har_printer(store: Store, ids: Iterable[int]) -> dict[int, bytes]:
    return {i: har_text(e).encode("utf-8") for i, e in _exchanges(store, ids).items()}


def curl_printer(store: Store, ids: Iterable[int]) -> dict[int, bytes]:
    return {i: curl_block(e).encode("utf-8") for i, e in _exchanges(store, ids).items()}


# Each bulk format's Python printer (the database's SQL: bulk_sqlite.py, bulk_postgres.py).
PRINTERS: dict[str, Printer] = {
    "csv": csv_printer,
    "json": json_printer,
    "har": har_printer,
    "curl": curl_printer,
}


def reprinted(
    store: Store, printed: list[bytes], redo: dict[int, int], printer: Printer
) -> list[bytes]:
    """`printed` with the rows at `redo`'s positions (position -> exchange id) printed by Python."""
    if redo:
        lines = printer(store, redo.values())
        for at, id_ in redo.items():
            printed[at] = lines[id_]
    return printed
