"""Exports of a selection still in the store (both backends): streamed from the database in
chunks, the same bytes as exporting the exchanges themselves, secrets redacted, formulas
neutralised in CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from lib.exchange import Exchange
from lib.recorder import EXPORT_FORMATS, ExchangeFilter, PostgresStore, Recorder, export_bytes
from lib.recorder.exports import Selection, write_xlsx

SECRET = "sk-live-0123456789abcdef"


def _record(rec: Recorder, n: int) -> None:
    rec.add_secret(SECRET, "client_secret")
    for i in range(n):
        body = json.dumps({"reference": f"ref-{i:08d}", "note": "ødegård ✓"}, ensure_ascii=False)
        rec.record(Exchange(
            "POST", f"http://sim/epayment/v1/payments?key={SECRET}", "create_payment",
            request_headers={"client_secret": SECRET, "X-Name": "Åse"},
            request_body=body, status=201 if i % 4 else None, latency_ms=i / 3,
            response_body='{"ok":true}', reference=f"=cmd|{i}" if i == 5 else f"ref-{i:08d}",
            error=None if i % 4 else "ReadTimeout: -slow",
        ))  # fmt: skip


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_selection_exports_equal_the_exchanges_exports(recorder: Recorder, fmt: str) -> None:
    _record(recorder, 23)
    selection = Selection(recorder.store, ExchangeFilter(run_ids=(recorder.run_id,)), chunk=4)
    streamed = export_bytes(selection, fmt)
    assert SECRET.encode() not in streamed
    if fmt != "xlsx":  # xlsx embeds creation times
        assert streamed == export_bytes(recorder.exchanges(), fmt)
        assert streamed == export_bytes(recorder.to_dataframe(), fmt)


def test_selection_csv_neutralises_and_keeps_every_row(recorder: Recorder) -> None:
    _record(recorder, 9)
    recorder.start_run("other")
    _record(recorder, 2)
    selection = Selection(recorder.store, ExchangeFilter(status_classes=("no response",)), chunk=2)
    rows = list(csv.DictReader(io.StringIO(export_bytes(selection, "csv").decode(), newline="")))
    assert len(rows) == 3 + 1  # i = 0, 4, 8 of the first run, 0 of the second
    assert all(r["error"] == "ReadTimeout: -slow" and r["status"] == "" for r in rows)
    everything = export_bytes(Selection(recorder.store), "csv").decode()
    assert "'=cmd|5" in everything and ",=cmd" not in everything
    assert "ødegård ✓" in everything and "Åse" in everything


def test_selection_xlsx_has_every_row(recorder: Recorder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _record(recorder, 11)
    write_xlsx(Selection(recorder.store, chunk=3), tmp_path / "log.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "log.xlsx")["exchanges"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 12 and rows[1][3] == "create_payment"
    assert rows[6][8] == "=cmd|5"  # a formula-like value stays text (no formula cell)


def test_store_is_read_in_chunks_of_the_asked_size(recorder: Recorder) -> None:
    _record(recorder, 10)
    sizes = [len(rows) for rows in recorder.store.iter_rows(None, ["id", "url"], chunk=4)]
    assert sizes == [4, 4, 2]


HOSTILE = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "\nLF",
           'a "quoted", text', "two\r\nlines", "", " lead", "ødegård ✓", "'already"]  # fmt: skip


def test_selection_csv_written_by_the_database_equals_pythons_csv(recorder: Recorder) -> None:
    """The database quotes and neutralises (bulk_sqlite.py, bulk_postgres.py): byte for byte
    what the Python export writes, JSON too."""
    for n, value in enumerate(HOSTILE):
        recorder.record(Exchange(
            "POST", f"http://sim/{value}", value or "op", step=value, reference=value,
            idempotency_key=value, error=value or None, request_body=value,
            response_body=value, request_headers={"X-Value": value, "content-TYPE": value},
            response_headers={"Content-Type": "text/plain", "Location": value},
            status=[None, 200, 500, 418, 299][n % 5],
            latency_ms=[None, 0.1, 1e-7, 12.0, 1234567.891][n % 5], attempt=n + 1,
        ))  # fmt: skip
    selection = Selection(recorder.store, chunk=4)
    assert export_bytes(selection, "csv") == export_bytes(recorder.exchanges(), "csv")
    for fmt in ("json", "har"):
        assert export_bytes(selection, fmt) == export_bytes(recorder.exchanges(), fmt)
    assert [r["step"] for r in json.loads(export_bytes(selection, "json"))] == HOSTILE
    rows = list(csv.reader(io.StringIO(export_bytes(selection, "csv").decode(), newline="")))
    assert [r[2] for r in rows[1:]] == [("'" + v if v[:1] in "=+-@\t\r\n" and v else v)
                                        for v in HOSTILE]  # fmt: skip


def test_selection_csv_with_control_characters_in_a_cell(recorder: Recorder) -> None:
    """Control characters pass through the database's printing as through Python's."""
    for value in ("plain", "nul\x00inside", "mark\x02ed", "=\x03"):
        recorder.record(Exchange("GET", "http://sim/x", "get_payment", error=value, status=200))
    selection = Selection(recorder.store, chunk=2)
    assert export_bytes(selection, "csv") == export_bytes(recorder.exchanges(), "csv")
    rows = list(csv.reader(io.StringIO(export_bytes(selection, "csv").decode(), newline="")))
    nul = "\ufffd" if isinstance(recorder.store, PostgresStore) else "\x00"  # PostgreSQL: no NUL
    assert [r[11] for r in rows[1:]] == ["plain", f"nul{nul}inside", "mark\x02ed", "'=\x03"]


LATENCIES = [0.0, -0.0, 0.1, 1 / 3, 2.5e-5, 1e-7, 12.0, 1e15, 1e15 + 0.5, 3e16, 1234567.891,
             float("inf"), float("nan")]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "json", "har"])
def test_latencies_print_as_python_prints_them(recorder: Recorder, fmt: str) -> None:
    """Where the database would print a float otherwise (SQLite's 15 digits and "1.0e-07",
    PostgreSQL's "12" and "1e+15"), the row is printed by Python: the same bytes either way."""
    for n, latency in enumerate(LATENCIES):
        recorder.record(Exchange("GET", f"http://sim/{n}", "get_payment", latency_ms=latency))
    stored = recorder.exchanges()  # as the store keeps them (SQLite keeps NaN as NULL)
    for chunk in (1, 5, 100):
        assert export_bytes(Selection(recorder.store, chunk=chunk), fmt) == export_bytes(
            stored, fmt
        )


TIMES = [datetime(2026, 11, 30, 2, 3, 4, tzinfo=UTC) + timedelta(microseconds=us)
         for us in (0, 1, 500000, 999999, 10**6)]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "json", "har"])
def test_times_print_as_python_prints_them(recorder: Recorder, fmt: str) -> None:
    """Whole seconds print no fraction (Python's isoformat), others all six digits."""
    for n, when in enumerate(TIMES):
        recorder.record(Exchange("GET", f"http://sim/{n}", "get_payment", started_at=when))
    assert export_bytes(Selection(recorder.store), fmt) == export_bytes(recorder.exchanges(), fmt)
    assert "2026-11-30T02:03:04+00:00" in export_bytes(Selection(recorder.store), fmt).decode()


def test_json_selection_is_compact_records(recorder: Recorder) -> None:
    _record(recorder, 3)
    text = export_bytes(Selection(recorder.store), "json").decode()
    assert text.startswith('[{"time":"') and '},{"time":"' in text and text.endswith("}]")
    assert [r["reference"] for r in json.loads(text)] == [f"ref-{i:08d}" for i in range(3)]
    assert (
        export_bytes(Selection(recorder.store, ExchangeFilter(reference="none")), "json") == b"[]"
    )


def test_schema_1_header_escapes_print_as_characters(tmp_path: Path) -> None:
    """SQLite's schema 1 kept headers with \\u escapes; every export shows the characters.
    (PostgreSQL stores began at schema 2: the test below.)"""
    with Recorder.open(tmp_path / "v1.sqlite") as recorder:
        recorder.record(Exchange("GET", "http://sim/x", "get_payment", request_headers={"X": "Å"}))
        with recorder.store.engine.begin() as conn:
            conn.exec_driver_sql('UPDATE exchanges SET request_headers = \'{"X": "\\u00c5"}\'')
        for fmt in ("csv", "json", "har"):
            printed = export_bytes(Selection(recorder.store), fmt).decode()
            assert "\\u00c5" not in printed and "Å" in printed


@pytest.mark.parametrize("fmt", ["csv", "json", "har", "curl"])
def test_headers_with_escapes_print_as_python_prints_them(recorder: Recorder, fmt: str) -> None:
    """Headers are stored as JSON (not ASCII-only): control characters, quotes and backslashes
    escaped, other characters as they are. The database prints that text as Python does."""
    value = 'å "q" \\ \x01\x1f\t ✓'
    recorder.record(Exchange("POST", "http://sim/x", "create_payment",
                             request_headers={"X-Odd": value, "Content-Type": "a/b"},
                             request_body="{}", status=201,
                             response_headers={"X-Odd": value}))  # fmt: skip
    stored = recorder.exchanges()
    assert export_bytes(Selection(recorder.store), fmt) == export_bytes(stored, fmt)
    control = "\x01" if fmt == "curl" else "\\u0001"  # curl sends the header itself
    assert control in export_bytes(Selection(recorder.store), fmt).decode()


ODD_HEADERS = {"X-A": "1", "CONTENT-type": "text/plain", "content-type": "second",
               "LOCATION": '/q "x" \\ é', "Location": "/second"}  # fmt: skip


@pytest.mark.parametrize("stored_before", [None, 6, 4], ids=["v6", "before-v6", "before-v4"])
def test_har_entries_printed_by_the_database_and_by_python_agree(
    recorder: Recorder, stored_before: int | None
) -> None:
    """Bodies or not, errors or not, a query string (Python's parse_qsl) or not: one HAR. The
    looked-up headers (first of a name in any case) come from the columns kept since schema 4,
    the header lists from those kept since schema 6, or from the headers' text in rows stored
    before."""
    for n in range(6):
        recorder.record(Exchange(
            "POST" if n % 2 else "GET", "http://sim/p" + ("?a=1&b=%C3%A5+x" if n == 3 else ""),
            "create_payment", request_headers={"Content-Type": "application/json"} if n else {},
            request_body='{"amount": 1}' if n % 2 else None, status=None if n == 4 else 201,
            response_headers={"content-type": "application/json", "location": "/x"} if n else {},
            response_body=None if n == 4 else '{"ok": "å"}', error="Timeout" if n == 4 else None,
            latency_ms=-1.0 if n == 5 else 2.5, step="3 Create payment", reference=f"r-{n}",
        ))  # fmt: skip
    odd = Exchange("PUT", "http://sim/p", "odd", request_headers=ODD_HEADERS, request_body="{}")
    recorder.record(replace(odd, status=302, response_headers=ODD_HEADERS))
    with recorder.store.engine.begin() as conn:
        if stored_before:  # as the migrations leave older rows
            conn.exec_driver_sql(
                "UPDATE exchanges SET request_har_headers = NULL, response_har_headers = NULL"
            )
        if stored_before == 4:
            conn.exec_driver_sql(
                "UPDATE exchanges SET request_content_type = NULL, "
                "response_content_type = NULL, response_location = NULL"
            )
    streamed = export_bytes(Selection(recorder.store, chunk=4), "har")
    assert streamed == export_bytes(recorder.exchanges(), "har")
    entries = json.loads(streamed)["log"]["entries"]
    assert entries[3]["request"]["queryString"] == [
        {"name": "a", "value": "1"}, {"name": "b", "value": "å x"}
    ]  # fmt: skip
    assert entries[4]["response"]["_error"] == "Timeout" and entries[4]["_error"] == "Timeout"
    assert entries[1]["request"]["postData"]["mimeType"] == "application/json"
    assert entries[5]["time"] == 0.0 and entries[0]["response"]["statusText"] == "Created"
    assert entries[6]["request"]["postData"]["mimeType"] == "text/plain"
    assert entries[6]["response"]["redirectURL"] == '/q "x" \\ é'
    if stored_before is None:
        with recorder.store.engine.connect() as conn:
            kept = conn.exec_driver_sql("SELECT request_content_type, response_location "
                                        "FROM exchanges ORDER BY id").all()  # fmt: skip
        assert [tuple(r) for r in kept] == [("", ""), *[("application/json", "/x")] * 5,
                                            ("text/plain", '/q "x" \\ é')]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "json", "har", "curl"])
def test_the_database_prints_all_but_the_unusual_rows(
    recorder: Recorder, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python prints only rows the database would print otherwise (here a formula start and a
    query string); the others are the database's own text."""
    from lib.recorder import bulk_rows

    asked: list[int] = []
    real = bulk_rows._rows

    def counting(store, ids, columns):  # type: ignore[no-untyped-def]
        ids = list(ids)
        asked.extend(ids)
        return real(store, ids, columns)

    monkeypatch.setattr(bulk_rows, "_rows", counting)
    for n in range(8):
        url = "http://sim/p?x=1" if n == 6 else "http://sim/p"
        recorder.record(Exchange("GET", url, "get_payment", status=200, latency_ms=1.5,
                                 step="=SUM(A1)" if n == 2 else "step"))  # fmt: skip
    streamed = export_bytes(Selection(recorder.store, chunk=3), fmt)
    assert streamed == export_bytes(recorder.exchanges(), fmt)
    ids = [e.id for e in recorder.exchanges()]
    sqlite = not isinstance(recorder.store, PostgresStore)
    expected = {"csv": [ids[2]] if sqlite else [], "json": [ids[2]] if sqlite else [],
                "har": [ids[2], ids[6]] if sqlite else [ids[6]], "curl": []}  # fmt: skip
    assert sorted(asked) == expected[fmt]


def test_header_values_are_stored_as_text(store) -> None:  # type: ignore[no-untyped-def]
    """HTTP headers are text: a number a caller put in is stored (and exported) as its text."""
    headers = {"X-Count": 5}
    store.add_exchange(Exchange("GET", "http://sim/x", "get_payment", status=200,
                                request_headers=headers))  # type: ignore[arg-type]  # fmt: skip
    assert store.exchanges()[0].request_headers == {"X-Count": "5"}
    har = json.loads(export_bytes(Selection(store), "har"))
    assert har["log"]["entries"][0]["request"]["headers"] == [{"name": "X-Count", "value": "5"}]


@pytest.mark.parametrize("needle", ["%", "_", "'", "b"])
def test_a_filtered_selection_prints_what_the_filter_matches(
    recorder: Recorder, needle: str
) -> None:
    """The filter's parameters reach the database's own printing (COPY binds them client-side):
    LIKE's wildcards and a quote match themselves."""
    for reference in ("a%b", "a_b", "abc", "x'y"):
        recorder.record(Exchange("GET", "http://sim/x", "get_payment", reference=reference))
    where = ExchangeFilter(reference_contains=needle)
    wanted = list(recorder.store.iter_exchanges(where))
    assert len(wanted) == (3 if needle == "b" else 1)
    for fmt in ("csv", "json", "har", "curl"):
        assert export_bytes(Selection(recorder.store, where), fmt) == export_bytes(wanted, fmt)
