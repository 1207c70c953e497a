"""Evidence exports (CSV, JSON, Excel, HAR 1.2, curl) to a path, a binary buffer or bytes."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import xlsxwriter

from lib.exchange import Exchange
from lib.recorder.curl import to_curl
from lib.recorder.frame import dataframe_to_exchanges, exchanges_to_dataframe, plain_value
from lib.recorder.har import to_har
from lib.recorder.xlsx import stream_rows

Exportable = pd.DataFrame | Sequence[Exchange]
Destination = str | os.PathLike[str] | BinaryIO

_WIDTHS = {"time": 26, "url": 50, "error": 30, "request_body": 60, "response_body": 60}

__all__ = [
    "EXPORT_FORMATS", "ExportFormat", "as_dataframe", "as_exchanges", "curl_script",
    "export_bytes", "to_curl", "to_har", "write_csv", "write_curl", "write_har", "write_json",
    "write_xlsx",
]  # fmt: skip


def as_dataframe(data: Exportable) -> pd.DataFrame:
    return data if isinstance(data, pd.DataFrame) else exchanges_to_dataframe(data)


def as_exchanges(data: Exportable) -> list[Exchange]:
    return dataframe_to_exchanges(data) if isinstance(data, pd.DataFrame) else list(data)


def _emit(dest: Destination, payload: bytes) -> None:
    if isinstance(dest, str | os.PathLike):
        path = Path(dest)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
    else:
        dest.write(payload)


def _iso_times(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "time" in out.columns and pd.api.types.is_datetime64_any_dtype(out["time"]):
        out["time"] = [None if pd.isna(t) else t.isoformat() for t in out["time"]]
    return out


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_formula(value: Any) -> Any:
    """'=HYPERLINK(...)' -> "'=HYPERLINK(...)": text a spreadsheet shows but never runs.

    Only text cells change; numbers (status, latency) stay numbers. JSON and HAR keep the raw value.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(data: Exportable, dest: Destination) -> None:
    """UTF-8 CSV, ISO 8601 times, headers and bodies as JSON text; formula-like text neutralised."""
    frame = _iso_times(as_dataframe(data))
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(neutralise_formula)
    # RFC 4180 line ends: the writer then quotes any cell holding a CR as well as an LF.
    _emit(dest, frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8"))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): plain_value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def write_json(data: Exportable, dest: Destination) -> None:
    """A JSON array of records (one per exchange), ISO 8601 times, nulls for missing values."""
    text = json.dumps(_records(_iso_times(as_dataframe(data))), ensure_ascii=False)
    _emit(dest, text.encode("utf-8"))


def write_har(data: Exportable, dest: Destination) -> None:
    """HAR 1.2 for browser developer tools (Network tab: import) and HAR viewers."""
    _emit(dest, json.dumps(to_har(as_exchanges(data)), ensure_ascii=False).encode())


def curl_script(data: Exportable) -> str:
    """Every request as a curl command, with a comment line naming step and operation."""
    blocks = []
    for e in as_exchanges(data):
        title = " / ".join(str(p) for p in (e.step, e.operation, e.reference) if p)
        outcome = e.status or e.error
        blocks.append(f"# {title} (attempt {e.attempt}, status {outcome})\n{to_curl(e)}")
    return "\n\n".join(blocks) + "\n"


def write_curl(data: Exportable, dest: Destination) -> None:
    _emit(dest, curl_script(data).encode("utf-8"))


def _excel_cells(frame: pd.DataFrame) -> list[list[Any]]:
    """Column-wise Python values: naive UTC datetimes (Excel has no zones), None for missing."""
    columns: list[list[Any]] = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            if series.dt.tz is not None:
                series = series.dt.tz_convert("UTC").dt.tz_localize(None)
            columns.append([None if pd.isna(t) else t.to_pydatetime() for t in series])
        else:
            columns.append([plain_value(v) for v in series.tolist()])
    return columns


def write_xlsx(data: Exportable, dest: Destination) -> None:
    """Sheet "exchanges": bold header, autofilter, frozen header row; rows streamed into the zip.

    xlsxwriter lays out the workbook around the header row; the data rows are written by
    `lib.recorder.xlsx` (several times faster than xlsxwriter's per-cell path on 100,000 rows).
    """
    frame = as_dataframe(data)
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    skeleton = io.BytesIO()
    with xlsxwriter.Workbook(skeleton, options) as book:
        sheet = book.add_worksheet("exchanges")
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1})
        stamp = book.add_format({"num_format": 'yyyy-mm-dd hh:mm:ss.000 "UTC"'})
        for col, name in enumerate(frame.columns):
            sheet.set_column(col, col, _WIDTHS.get(name, 14), stamp if name == "time" else None)
            sheet.write_string(0, col, str(name), header)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
    # Cells are written as data, never formulas: a body starting with "=" stays text.
    cells = _excel_cells(frame)
    target = os.fspath(dest) if isinstance(dest, str | os.PathLike) else dest
    if isinstance(target, str):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    width, count = len(frame.columns), len(frame)
    # Zip64 only when the sheet may pass 2 GiB (4 bytes a character at worst, plus the tags):
    # very old Excel versions warn about Zip64 entries.
    text = sum(len(v) for column in cells for v in column if isinstance(v, str))
    zip64 = 4 * text + 80 * width * count >= 2**31
    rows = zip(*cells, strict=True)
    stream_rows(skeleton, target, rows, width=width, count=count, stamp=stamp.xf_index, zip64=zip64)


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
    """The export as bytes, e.g. for `st.download_button(..., mime=EXPORT_FORMATS[fmt].mime)`."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; choose one of {sorted(EXPORT_FORMATS)}.")
    buffer = io.BytesIO()
    EXPORT_FORMATS[fmt].write(data, buffer)
    return buffer.getvalue()
