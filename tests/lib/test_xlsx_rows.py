"""The streamed xlsx rows (lib/recorder/xlsx.py): awkward text, gaps and sizes read back intact."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import openpyxl
from isal import isal_zlib

from lib.exchange import Exchange
from lib.recorder import COLUMNS, write_xlsx
from lib.recorder.xlsx import LEVEL, faster_deflate

AWKWARD = "=SUM(A1) & <b>x</b> \x01bell\x1f  "  # formula-like, XML specials, control characters


def _read(exchanges: list[Exchange]) -> list[tuple]:
    buffer = io.BytesIO()
    write_xlsx(exchanges, buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["exchanges"]
    return list(sheet.iter_rows(values_only=True))


def test_awkward_text_stays_text_and_empty_cells_keep_their_columns() -> None:
    when = datetime(2026, 11, 25, 10, 0, 0, 250000, tzinfo=UTC)
    ex = Exchange("POST", "http://x.test/?a=1&b=2", "op", started_at=when, request_body=AWKWARD,
                  error="  leading spaces", status=None, latency_ms=None, attempt=3)  # fmt: skip
    rows = _read([ex])
    row = dict(zip(COLUMNS, rows[1], strict=True))
    # Control characters travel as Excel's _xHHHH_ escapes (Excel decodes them, openpyxl doesn't).
    assert row["request_body"] == "=SUM(A1) & <b>x</b> _x0001_bell_x001F_  "
    assert row["error"] == "  leading spaces"
    assert row["url"] == "http://x.test/?a=1&b=2"
    assert row["status"] is None and row["latency_ms"] is None
    assert row["attempt"] == 3
    assert row["time"] == datetime(2026, 11, 25, 10, 0, 0, 250000)


def test_long_text_is_cut_at_excel_limit_in_utf16_units() -> None:
    ex = Exchange("POST", "http://x.test/", "op", response_body="😀" * 20_000)  # 40,000 units
    cell = dict(zip(COLUMNS, _read([ex])[1], strict=True))["response_body"]
    assert len(cell.encode("utf-16-le")) // 2 <= 32_767 and cell.startswith("😀😀")


def test_an_empty_log_is_a_header_only_workbook() -> None:
    buffer = io.BytesIO()
    write_xlsx([], buffer)
    assert zipfile.ZipFile(io.BytesIO(buffer.getvalue())).testzip() is None
    rows = _read([])
    assert len(rows) == 1 and list(rows[0]) == COLUMNS


def test_carriage_returns_and_escape_lookalikes_read_back_as_written() -> None:
    """A raw CR would be read as LF (XML line ends), so it is a character reference; text that
    reads like Excel's _xHHHH_ escape is escaped itself (openpyxl shows it, Excel decodes it)."""
    ex = Exchange("POST", "http://x.test/", "op", error="a\r\nb\rc", request_body="_x0041_",
                  reference="\ufffe", step="", attempt=1)  # fmt: skip
    row = dict(zip(COLUMNS, _read([ex])[1], strict=True))
    assert row["error"] == "a\r\nb\rc"
    assert row["request_body"] == "_x005F_x0041_" and row["reference"] == "_xFFFE_"


def test_rows_are_compact_and_deflated_fast() -> None:
    buffer = io.BytesIO()
    when = datetime(1899, 12, 29, 18, 0, tzinfo=UTC)  # before Excel's day 0: a minus sign
    write_xlsx([Exchange("GET", "http://x.test/", "op", started_at=when, status=None)], buffer)
    book = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    row = sheet.split("</row>")[1]  # the first data row
    assert row.startswith('<row><c s="1"><v>-0.25000000000</v></c><c/><c/><c t="inlineStr">')
    assert ' r="' not in row and "<c/>" in row  # positions, not references
    assert book.getinfo("xl/worksheets/sheet1.xml").compress_type == zipfile.ZIP_DEFLATED
    assert _read([])[0] == tuple(COLUMNS)


def test_the_sheet_is_deflated_by_isal_and_reads_back() -> None:
    """zipfile has no hook for its compressor: if a Python release renames the entry's, the
    swap would silently fall back to zlib (4.7x slower). This notices."""
    buffer = io.BytesIO()
    text = b"<row>" + "ødegård & <b>".encode() * 10_000 + b"</row>"
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as book,
        book.open("sheet.xml", "w") as entry,
    ):
        faster_deflate(entry)
        assert type(entry._compressor) is type(isal_zlib.compressobj())  # type: ignore[attr-defined]
        entry.write(text[:1000])
        entry.write(text[1000:])
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as book:
        assert book.read("sheet.xml") == text  # zipfile's zlib inflates it, CRC checked
        assert book.getinfo("sheet.xml").compress_size < len(text) // 20
