"""Bulk exports of a selection in the store: the database prints CSV lines, JSON records, HAR
entries, curl commands (SQLite: lib/recorder/bulk_sqlite.py; PostgreSQL: COPY and chunk
queries, lib/recorder/bulk_postgres.py) and the Excel sheet's rows (lib/recorder/bulk_xlsx.py,
bulk_xlsx_postgres.py)."""

from __future__ import annotations

from collections.abc import Iterator

from lib.recorder.bulk_postgres import postgres_chunks
from lib.recorder.bulk_sqlite import sqlite_chunks
from lib.recorder.bulk_xlsx import sqlite_sheet
from lib.recorder.bulk_xlsx_postgres import postgres_sheet
from lib.recorder.sources import Selection
from lib.recorder.xlsx import Block


def bulk_chunks(selection: Selection, fmt: str) -> Iterator[list[bytes]]:
    """`fmt` "csv": CRLF-ended lines; "json", "har", "curl": records, entries, commands (no
    separators). In id order."""
    store, where, chunk = selection.store, selection.where, selection.chunk
    if store.engine.dialect.name == "postgresql":
        return postgres_chunks(store, where, chunk, fmt=fmt)
    return sqlite_chunks(store, where, chunk, fmt=fmt)


def bulk_sheet(selection: Selection, stamp: int) -> Iterator[Block]:
    """The Excel sheet's data rows, a block per chunk (or the work finishing it), in id order;
    `stamp` is the xf index of the date format."""
    store, where, chunk = selection.store, selection.where, selection.chunk
    if store.engine.dialect.name == "postgresql":
        return postgres_sheet(store, where, chunk, stamp)
    return sqlite_sheet(store, where, chunk, stamp)
