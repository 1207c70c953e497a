"""The Excel sheet of a selection, printed by the database (lib/recorder/bulk_xlsx.py), against
the sheet Python prints for the same exchanges as a list: equal cell for cell as openpyxl reads
them (and byte for byte), hostile cells included, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from lib.exchange import Exchange
from lib.recorder import COLUMNS, ExchangeFilter, PostgresStore, Recorder, bulk_xlsx, export_bytes
from lib.recorder.exports import Exportable, Selection
from lib.recorder.sources import exchange_row
from lib.recorder.xlsx import SHEET

ASTRAL = "😀"
TEXTS = [
    "&<>\"'", "=1+2", "+SUM(A1)", "-2", "@x", "<b>bold</b> &amp; more", "a]]>b",
    "ctrl\x01\x02\x08\x0b\x0c\x0e\x1f end", "nul\x00inside", "\ufffe\uffff non-characters",
    "looks _x0041_ escaped", "two\r\nlines", "\rCR", "\tTAB", "\nLF", " lead", "trail ", "  ",
    "", "ødegård ✓ 日本語 " + ASTRAL, "\ufffd", ASTRAL * 20_000, "a" + ASTRAL * 16_383,
    ASTRAL * 16_384, "x" * 40_000,
]  # fmt: skip
LATENCIES = [None, 0.0, -0.0, 0.1, 1 / 3, 2.5e-5, 1e-7, 12.0, 1e15, 1e15 + 0.5, 3e16,
             1234567.891, float("inf"), float("-inf"), float("nan")]  # fmt: skip
TIMES = [
    datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC),
    datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=UTC),
    datetime(2026, 11, 25, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 11, 25, 10, 0, 0, 500, tzinfo=UTC),  # half a millisecond
    datetime(1900, 1, 1, tzinfo=UTC),
    datetime(1899, 12, 29, 12, 0, 0, 1, tzinfo=UTC),  # before Excel's day 0: Python prints it
]


def _hostile(n: int) -> Exchange:
    text = TEXTS[n % len(TEXTS)]
    other = TEXTS[(n * 7 + 3) % len(TEXTS)]
    return Exchange(
        "POST", f"http://sim/p?{text[:50]}", "create_payment",
        started_at=TIMES[n % len(TIMES)], step=text if n % 3 else None,
        request_headers={"X-Value": other[:100], text[:20]: "v"},
        request_body=text if n % 4 or n > 20 else None, status=[None, 200, 500][n % 3],
        response_headers={"Content-Type": "text/plain"}, response_body=other if n % 5 else "",
        latency_ms=LATENCIES[n % len(LATENCIES)], reference=other[:64] or None,
        idempotency_key=text[:40], attempt=n + 1, error=other if n % 2 else None,
    )  # fmt: skip


def _record(recorder: Recorder, exchanges: list[Exchange]) -> None:
    for e in exchanges:
        recorder.record(e)


def _sheet(data: Exportable) -> tuple[list[tuple[Any, ...]], bytes]:
    """The sheet's rows as openpyxl reads them, and its XML."""
    book = export_bytes(data, "xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(book))["exchanges"].iter_rows(values_only=True))
    return rows, zipfile.ZipFile(io.BytesIO(book)).read(SHEET)


def _same(a: Any, b: Any) -> bool:
    return a == b or (a != a and b != b)  # NaN equals NaN here


def _assert_equal_sheets(selection: Selection, exchanges: list[Exchange]) -> list[tuple]:
    printed, xml = _sheet(selection)
    expected, python_xml = _sheet(exchanges)
    assert len(printed) == len(expected) == len(exchanges) + 1
    for got, want in zip(printed, expected, strict=True):
        assert len(got) == len(want) == len(COLUMNS)
        assert all(_same(a, b) for a, b in zip(got, want, strict=True)), (got, want)
    assert xml == python_xml  # the database prints Python's bytes, not just its values
    return printed


def test_selection_sheet_equals_the_list_sheet_cell_for_cell(recorder: Recorder) -> None:
    _record(recorder, [_hostile(n) for n in range(60)])
    stored = recorder.exchanges()  # as the store keeps them (NUL, NaN and -0.0 per backend)
    for chunk in (1, 7, 1000):
        _assert_equal_sheets(Selection(recorder.store, chunk=chunk), stored)


def test_hostile_cells_read_back_as_text_in_their_columns(recorder: Recorder) -> None:
    _record(recorder, [_hostile(n) for n in range(len(TEXTS))])
    rows = _assert_equal_sheets(Selection(recorder.store, chunk=4), recorder.exchanges())
    column = {name: [dict(zip(COLUMNS, r, strict=True))[name] for r in rows[1:]]
              for name in COLUMNS}  # fmt: skip
    keys = column["idempotency_key"]
    assert keys[0] == "&<>\"'" and keys[1] == "=1+2" and keys[6] == "a]]>b"
    assert keys[7] == "ctrl_x0001__x0002__x0008__x000B__x000C__x000E__x001F_ end"
    assert keys[9] == "_xFFFE__xFFFF_ non-characters"
    assert keys[10] == "looks _x005F_x0041_ escaped"  # Excel shows "looks _x0041_ escaped"
    assert keys[11:15] == ["two\r\nlines", "\rCR", "\tTAB", "\nLF"]
    assert keys[15:19] == [" lead", "trail ", "  ", ""]
    bodies = column["request_body"]
    assert bodies[21] == ASTRAL * 16_383  # 40,000 units, cut whole characters under 32,767
    assert bodies[22] == "a" + ASTRAL * 16_383  # 32,767 units exactly: whole
    assert bodies[23] == ASTRAL * 16_383 and bodies[24] == "x" * 32_767
    assert column["request_body"][0] is None and column["request_body"][1] == "=1+2"
    assert column["status"][:3] == [None, 200, 500] and column["attempt"][:2] == [1, 2]
    assert column["time"][1] == datetime(2026, 11, 25, 10, 0, 0, 123000)  # Excel's milliseconds
    assert column["time"][5] == datetime(1899, 12, 29, 12, 0, 0)


def test_latencies_and_times_read_back_as_python_wrote_them(recorder: Recorder) -> None:
    for n, latency in enumerate(LATENCIES):
        recorder.record(Exchange("GET", f"http://sim/{n}", "get_payment",
                                 started_at=TIMES[n % len(TIMES)], latency_ms=latency))  # fmt: skip
    rows = _assert_equal_sheets(Selection(recorder.store, chunk=5), recorder.exchanges())
    latencies = [r[COLUMNS.index("latency_ms")] for r in rows[1:]]
    assert latencies[1:12] == [0.0, -0.0, 0.1, 1 / 3, 2.5e-5, 1e-7, 12.0, 1e15, 1e15 + 0.5,
                               3e16, 1234567.891]  # fmt: skip
    assert latencies[12:14] == ["inf", "-inf"]  # Excel has no infinite numbers: text
    nan = None if not isinstance(recorder.store, PostgresStore) else "nan"  # SQLite: NULL
    assert latencies[0] is None and latencies[14] == nan


def test_a_filtered_selection_and_an_empty_one(recorder: Recorder) -> None:
    _record(recorder, [_hostile(n) for n in range(30)])
    where = ExchangeFilter(status_classes=("5xx",), reference_contains="_x")
    wanted = list(recorder.store.iter_exchanges(where))
    assert 0 < len(wanted) < 30
    _assert_equal_sheets(Selection(recorder.store, where, chunk=2), wanted)
    nothing = ExchangeFilter(reference="no such payment")
    rows = _assert_equal_sheets(Selection(recorder.store, nothing), [])
    assert rows == [tuple(COLUMNS)]


def test_rows_are_compact(recorder: Recorder) -> None:
    """No r attributes, a missing value an empty cell, the time as a styled day number."""
    recorder.record(Exchange("GET", "http://sim/x", "get_payment", started_at=TIMES[1]))
    xml = _sheet(Selection(recorder.store))[1].decode()
    data = xml.split("<sheetData>")[1]
    row = re.findall(r"<row>.*?</row>", data)[0]  # the header row has its r="1"
    assert row.startswith('<row><c s="1"><v>46351.41666809556</v></c><c t="inlineStr">')
    assert ' r="' not in row and "<c/>" in row


def test_python_prints_only_the_unusual_rows(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database prints every row but those it would print otherwise (here a control
    character, a cell over Excel's limit, a latency SQLite prints with 15 digits, a formula
    start SQLite's partial index lists for CSV) or cannot (a time before Excel's day 0)."""
    asked: list[int] = []
    real = bulk_xlsx.xlsx_printer

    def counting(store, ids, *, stamp):  # type: ignore[no-untyped-def]
        ids = list(ids)
        asked.extend(ids)
        return real(store, ids, stamp=stamp)

    monkeypatch.setattr(bulk_xlsx, "xlsx_printer", counting)
    for n in range(10):
        recorder.record(Exchange(
            "GET", "http://sim/p?a=1&b=<2>", "get_payment", status=200, latency_ms=1.5,
            started_at=TIMES[5] if n == 8 else TIMES[n % 4],
            error="bell\x07" if n == 2 else "&<> ødegård\r\n", response_body="x" * 40_000
            if n == 4 else "{}", step="=SUM(A1)" if n == 6 else "step",
        ))  # fmt: skip
    ids = [e.id for e in recorder.exchanges()]
    with recorder.store.engine.begin() as conn:  # a latency SQLite prints otherwise
        conn.exec_driver_sql(f"UPDATE exchanges SET latency_ms = 1.0 / 3 WHERE id = {ids[5]}")
    _assert_equal_sheets(Selection(recorder.store, chunk=3), recorder.exchanges())
    sqlite = not isinstance(recorder.store, PostgresStore)
    wanted = [2, 4, 5, 6, 8] if sqlite else [2, 4, 8]
    assert sorted(asked) == [ids[n] for n in wanted]


def test_zip64_is_decided_from_the_stored_bytes(recorder: Recorder) -> None:
    """A small selection is measured by the database (its text's UTF-8 bytes, a NUL too)."""
    _record(recorder, [_hostile(n) for n in range(len(TEXTS))])
    stored = recorder.exchanges()
    texts = [c for c in COLUMNS if c not in ("time", "status", "latency_ms", "attempt", "id")]
    rows = [dict(zip(COLUMNS, exchange_row(e), strict=True)) for e in stored]
    size = sum(len(r[c].encode()) for r in rows for c in texts if r[c] is not None)
    assert bulk_xlsx.stored_text_bytes(recorder.store, None) == size


def test_schema_1_header_escapes_print_as_characters(tmp_path: Path) -> None:
    """SQLite's schema 1 kept headers with \\u escapes: Python prints those rows, with the
    characters. (PostgreSQL stores began at schema 2: the test below.)"""
    with Recorder.open(tmp_path / "v1.sqlite") as recorder:
        for n in range(3):
            recorder.record(
                Exchange("GET", f"http://sim/{n}", "get_payment", request_headers={"X": "Å"})
            )
        with recorder.store.engine.begin() as conn:
            conn.exec_driver_sql('UPDATE exchanges SET request_headers = \'{"X": "\\u00c5"}\'')
        rows = _assert_equal_sheets(Selection(recorder.store, chunk=2), recorder.exchanges())
    assert [r[COLUMNS.index("request_headers")] for r in rows[1:]] == ['{"X": "Å"}'] * 3


def test_headers_with_escapes_print_as_python_prints_them(recorder: Recorder) -> None:
    """Headers stored as JSON (control characters, quotes, backslashes escaped): the database
    prints their text as Python does."""
    value = 'å "q" \\ \x01\x1f\t ✓'
    for n in range(3):
        odd = {"X-Odd": value}
        recorder.record(
            Exchange(
                "GET", f"http://sim/{n}", "get_payment", request_headers=odd, response_headers=odd
            )
        )
    rows = _assert_equal_sheets(Selection(recorder.store, chunk=2), recorder.exchanges())
    assert "\\u0001" in rows[1][COLUMNS.index("request_headers")]
