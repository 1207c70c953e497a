"""Evidence exports (CSV, JSON, Excel, HAR 1.2, curl) to a path, a binary buffer or bytes.

Every writer streams: rows come a chunk at a time (from the database for a `Selection`) and go
straight to the destination, so memory stays flat however long the log is.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from lib.exchange import Exchange
from lib.recorder.bulk import bulk_chunks, bulk_sheet
from lib.recorder.bulk_rows import json_record
from lib.recorder.bulk_xlsx import stored_text_bytes
from lib.recorder.csv_text import FORMULA_START, lines
from lib.recorder.curl import curl_block, to_curl
from lib.recorder.frame import exchanges_to_dataframe
from lib.recorder.har import har_document_ends, har_text, to_har
from lib.recorder.sources import (
    Exportable,
    Selection,
    columns_of,
    count_of,
    exchange_chunks,
    row_chunks,
)
from lib.recorder.write_behind import joined, write_behind
from lib.recorder.xlsx import printed_blocks, skeleton, stream_rows

Destination = str | os.PathLike[str] | BinaryIO

BIG_SHEET = 50_000  # rows from which an Excel export is written with Zip64 without measuring

__all__ = [
    "EXPORT_FORMATS", "ExportFormat", "Exportable", "Selection", "as_dataframe", "as_exchanges",
    "curl_script", "export_bytes", "to_curl", "to_har", "write_csv", "write_curl", "write_har",
    "write_json", "write_xlsx",
]  # fmt: skip


def as_dataframe(data: Exportable) -> pd.DataFrame:
    """The whole export as a frame (for small logs: it holds every row)."""
    if isinstance(data, pd.DataFrame):
        return data
    return exchanges_to_dataframe(e for chunk in exchange_chunks(data) for e in chunk)


def as_exchanges(data: Exportable) -> list[Exchange]:
    return [e for chunk in exchange_chunks(data) for e in chunk]


@contextmanager
def _opened(dest: Destination) -> Iterator[BinaryIO]:
    if isinstance(dest, str | os.PathLike):
        path = Path(dest)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            yield out
    else:
        yield dest


@contextmanager
def _text(dest: Destination) -> Iterator[io.TextIOWrapper]:
    with _opened(dest) as out:
        wrapper = io.TextIOWrapper(out, encoding="utf-8", newline="")
        try:
            yield wrapper
        finally:
            wrapper.flush()
            wrapper.detach()  # the caller's buffer stays open


def neutralise_formula(value: Any) -> Any:
    """'=HYPERLINK(...)' -> "'=HYPERLINK(...)": text a spreadsheet shows but never runs.

    Only text cells change; numbers (status, latency) stay numbers. JSON and HAR keep the raw value.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(data: Exportable, dest: Destination) -> None:
    """UTF-8 CSV (RFC 4180: CRLF, text quoted), ISO 8601 times, headers and bodies as JSON text;
    formula-like text neutralised (lib/recorder/csv_text.py). A selection in the store is
    printed by the database (lib/recorder/bulk.py), into the same bytes."""
    header = ",".join(columns_of(data)) + "\r\n"
    if isinstance(data, Selection):
        with _opened(dest) as out:
            write_behind(out, joined(header.encode("utf-8"), bulk_chunks(data, "csv"), b"", b""))
        return
    with _text(dest) as out:
        out.write(header)
        for rows in row_chunks(data):
            out.write(lines(rows))


def write_json(data: Exportable, dest: Destination) -> None:
    """A JSON array of records (one per exchange, compact), ISO 8601 times, nulls for missing
    values. A selection in the store is printed by the database, into the same bytes."""
    with _opened(dest) as out:
        write_behind(out, joined(b"[", _json_chunks(data), b",", b"]"))


def _json_chunks(data: Exportable) -> Iterator[list[bytes]]:
    if isinstance(data, Selection):
        yield from bulk_chunks(data, "json")
        return
    for rows in row_chunks(data):
        yield [json_record(row).encode("utf-8") for row in rows]


def write_har(data: Exportable, dest: Destination) -> None:
    """HAR 1.2 (compact) for browser developer tools (Network tab: import) and HAR viewers. A
    selection in the store is printed by the database, into the same bytes."""
    head, tail = har_document_ends()
    with _opened(dest) as out:
        write_behind(out, joined(head.encode("utf-8"), _har_chunks(data), b",", tail.encode()))


def _har_chunks(data: Exportable) -> Iterator[list[bytes]]:
    if isinstance(data, Selection):
        yield from bulk_chunks(data, "har")
        return
    for chunk in exchange_chunks(data):
        yield [har_text(e).encode("utf-8") for e in chunk]


def curl_script(data: Exportable) -> str:
    """Every request as a curl command, with a comment line naming step and operation."""
    buffer = io.BytesIO()
    write_curl(data, buffer)
    return buffer.getvalue().decode("utf-8")


def write_curl(data: Exportable, dest: Destination) -> None:
    """A shell script of curl commands, an empty line between them. A selection in the store
    is printed by the database (lib/recorder/bulk_curl.py), into the same bytes."""
    if isinstance(data, Selection):
        with _opened(dest) as out:
            write_behind(out, joined(b"", bulk_chunks(data, "curl"), b"\n\n", b"\n"))
        return
    with _text(dest) as out:
        first = True
        for chunk in exchange_chunks(data):
            text = "\n\n".join(curl_block(e) for e in chunk)
            if text:
                out.write(text if first else "\n\n" + text)
                first = False
        out.write("\n")


def write_xlsx(data: Exportable, dest: Destination) -> None:
    """Sheet "exchanges": bold header, autofilter, frozen header row; rows streamed into the zip.

    xlsxwriter lays out the workbook around the header row (`lib.recorder.xlsx.skeleton`); the
    data rows are compact SpreadsheetML printed by the database for a selection in the store
    (lib/recorder/bulk_xlsx.py), by Python otherwise (`lib.recorder.xlsx.print_row`), the same
    bytes, deflated on a second thread while the next rows are printed.
    """
    if (count := count_of(data)) is None:
        data = as_exchanges(data)  # a one-pass iterator: the dimension needs the count first
        count = len(data)
    columns = columns_of(data)
    layout, stamp = skeleton(columns, count)
    target = os.fspath(dest) if isinstance(dest, str | os.PathLike) else dest
    if isinstance(target, str):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    zip64 = _needs_zip64(data, count, len(columns))
    if isinstance(data, Selection):
        blocks = bulk_sheet(data, stamp)
    else:
        blocks = printed_blocks(row_chunks(data), stamp)
    stream_rows(layout, target, blocks, width=len(columns), count=count, zip64=zip64)


def _needs_zip64(data: Exportable, count: int, width: int) -> bool:
    """Zip64 when the sheet may pass 2 GiB (a streamed entry's size is not known ahead): 7 bytes
    a character at worst (a control character as _xHHHH_), plus the tags. Very old Excel
    versions warn about Zip64 entries, so a small log is measured first (one more read, by the
    database for a selection); a big one gets Zip64 without reading twice."""
    if count >= BIG_SHEET:
        return True
    if isinstance(data, Selection):
        chars = stored_text_bytes(data.store, data.where)  # bytes: at least the characters
    else:
        chars = sum(len(v) for rows in row_chunks(data) for row in rows for v in row
                    if type(v) is str)  # fmt: skip
    return 7 * chars + 80 * width * count >= 2**31


@dataclass(frozen=True)
class ExportFormat:
    label: str
    extension: str
    mime: str
    write: Callable[[Exportable, Destination], None]


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat("CSV", "csv", "text/csv", write_csv),
    "json": ExportFormat("JSON", "json", "application/json", write_json),
    "xlsx": ExportFormat(
        "Excel",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        write_xlsx,
    ),
    "har": ExportFormat("HAR 1.2", "har", "application/json", write_har),
    "curl": ExportFormat("curl commands", "sh", "text/x-shellscript", write_curl),
}


def export_bytes(data: Exportable, fmt: str) -> bytes:
    """The export as bytes, e.g. for `st.download_button(..., mime=EXPORT_FORMATS[fmt].mime)`.

    Bytes are held whole: for big logs write to a file (`EXPORT_FORMATS[fmt].write(data, path)`).
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; choose one of {sorted(EXPORT_FORMATS)}.")
    buffer = io.BytesIO()
    EXPORT_FORMATS[fmt].write(data, buffer)
    return buffer.getvalue()
