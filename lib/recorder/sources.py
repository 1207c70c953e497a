"""What an export reads, a chunk at a time: a DataFrame, exchanges, or a selection still in the
store (read from the database in chunks, so a million exchanges never sit in memory at once)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

import pandas as pd

from lib.exchange import Exchange
from lib.recorder.filters import ExchangeFilter
from lib.recorder.frame import COLUMNS, dataframe_to_exchanges, plain_value
from lib.recorder.schema import as_utc
from lib.recorder.store import Store

CHUNK = 2_000
# The export's columns (COLUMNS) as the exchanges table names them.
DB_COLUMNS = ["started_at" if c == "time" else "run_id" if c == "run" else c for c in COLUMNS]
_HEADERS = (COLUMNS.index("request_headers"), COLUMNS.index("response_headers"))


@dataclass(frozen=True)
class Selection:
    """Exchanges still in the store (a run, all runs, a filtered log): exports stream them."""

    store: Store
    where: ExchangeFilter | None = None
    chunk: int = CHUNK


Exportable = pd.DataFrame | Selection | Iterable[Exchange]


def columns_of(data: Exportable) -> list[str]:
    return [str(c) for c in data.columns] if isinstance(data, pd.DataFrame) else list(COLUMNS)


def count_of(data: Exportable) -> int | None:
    """The number of rows when known without reading them (None for a one-pass iterator)."""
    if isinstance(data, pd.DataFrame):
        return len(data)
    if isinstance(data, Selection):
        return data.store.count(data.where)
    return len(data) if isinstance(data, Sequence) else None


def row_chunks(data: Exportable, chunk: int = CHUNK) -> Iterator[list[list[Any]]]:
    """Rows of plain values in `columns_of(data)` order; times as aware UTC datetimes."""
    if isinstance(data, pd.DataFrame):
        for start in range(0, len(data), chunk):
            rows = data.iloc[start : start + chunk].itertuples(index=False, name=None)
            yield [[_plain(v) for v in row] for row in rows]
    elif isinstance(data, Selection):
        for stored in data.store.iter_rows(data.where, DB_COLUMNS, chunk=data.chunk):
            yield [stored_row(row) for row in stored]
    else:
        for batch in _batches(data, chunk):
            yield [exchange_row(e) for e in batch]


def exchange_chunks(data: Exportable, chunk: int = CHUNK) -> Iterator[list[Exchange]]:
    """The exchanges themselves (HAR and curl need headers as mappings)."""
    if isinstance(data, pd.DataFrame):
        for start in range(0, len(data), chunk):
            yield dataframe_to_exchanges(data.iloc[start : start + chunk])
    elif isinstance(data, Selection):
        yield from _batches(data.store.iter_exchanges(data.where, chunk=data.chunk), data.chunk)
    else:
        yield from _batches(data, chunk)


def exchange_row(e: Exchange) -> list[Any]:
    """One exchange in COLUMNS order, as exchanges_to_dataframe would show it."""
    return [
        as_utc(e.started_at), e.run_id, e.step, e.operation, e.method, e.url, e.status,
        e.latency_ms, e.reference, e.idempotency_key, e.attempt, e.error, e.target, e.id,
        json.dumps(e.request_headers, ensure_ascii=False), e.request_body,
        json.dumps(e.response_headers, ensure_ascii=False), e.response_body,
    ]  # fmt: skip


def stored_row(row: Sequence[Any]) -> list[Any]:
    """A row read from the store as the exports show it."""
    values = list(row)
    for i in _HEADERS:  # schema 1 stored \u escapes; the export shows the characters
        if "\\u" in values[i]:
            values[i] = json.dumps(json.loads(values[i]), ensure_ascii=False)
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return plain_value(value)


def _batches(items: Iterable[Exchange], size: int) -> Iterator[list[Exchange]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
