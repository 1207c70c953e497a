"""Every export parsed back: CSV (pandas), JSON, xlsx (openpyxl), HAR 1.2 structure, curl text."""

from __future__ import annotations

import io
import json
import shlex
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lib.exchange import Exchange
from lib.recorder import (
    COLUMNS,
    EXPORT_FORMATS,
    exchanges_to_dataframe,
    export_bytes,
    to_curl,
    to_har,
    write_csv,
    write_har,
    write_json,
    write_xlsx,
)

CREATE_BODY = (
    '{"amount":{"currency":"NOK","value":1000},"reference":"ref-12345678","note":"it\'s $5"}'
)


def _exchanges() -> list[Exchange]:
    when = datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=UTC)
    create = Exchange(
        method="POST",
        url="https://apitest.vipps.no/epayment/v1/payments",
        operation="create_payment",
        started_at=when,
        request_headers={
            "Content-Type": "application/json",
            "Authorization": "Bearer «redacted:access_token»",
            "Ocp-Apim-Subscription-Key": "«redacted:subscription_key»",
            "Merchant-Serial-Number": "123456",
            "Idempotency-Key": "idem-1",
            "Content-Length": "88",
        },
        request_body=CREATE_BODY,
        status=201,
        response_headers={"Content-Type": "application/json"},
        response_body='{"reference":"ref-12345678","redirectUrl":"https://x.test/?token=a"}',
        latency_ms=42.5,
        reference="ref-12345678",
        idempotency_key="idem-1",
        step="2. create",
        run_id="run-1",
        id=1,
    )
    failed = Exchange(
        method="GET",
        url="https://apitest.vipps.no/epayment/v1/payments/ref-12345678?x=1&y=%20two",
        operation="get_payment",
        started_at=when,
        status=None,
        error="ConnectTimeout: =cmd|' /C calc'!A0",  # formula-looking text must stay text
        reference="ref-12345678",
        attempt=2,
        run_id="run-1",
        id=2,
    )
    return [create, failed]


@pytest.fixture
def frame() -> pd.DataFrame:
    return exchanges_to_dataframe(_exchanges())


def test_csv_parses_back_with_pandas(frame: pd.DataFrame, tmp_path: Path) -> None:
    write_csv(frame, tmp_path / "out" / "e.csv")
    back = pd.read_csv(tmp_path / "out" / "e.csv")
    assert list(back.columns) == COLUMNS
    assert back["request_body"][0] == CREATE_BODY
    assert pd.Timestamp(back["time"][0]) == frame["time"][0]
    assert back["status"].isna().tolist() == [False, True]


def test_json_is_records_with_iso_times(frame: pd.DataFrame) -> None:
    records = json.loads(export_bytes(frame, "json"))
    assert len(records) == 2 and list(records[0]) == COLUMNS
    assert records[0]["time"] == "2026-11-25T10:00:00.123456+00:00"
    assert records[0]["status"] == 201 and records[1]["status"] is None
    assert records[1]["attempt"] == 2 and records[1]["latency_ms"] is None


def test_xlsx_parses_back_with_openpyxl(frame: pd.DataFrame) -> None:
    buffer = io.BytesIO()
    write_xlsx(frame, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book["exchanges"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 3
    assert rows[1][COLUMNS.index("time")] == datetime(2026, 11, 25, 10, 0, 0, 123000)
    assert rows[1][COLUMNS.index("status")] == 201
    assert rows[2][COLUMNS.index("error")].startswith("ConnectTimeout: =cmd")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    assert sheet["A1"].font.bold


def test_xlsx_truncates_cells_beyond_excel_limit(tmp_path: Path) -> None:
    big = Exchange("POST", "http://x.test/", "op", request_body="x" * 40_000)
    write_xlsx([big], tmp_path / "big.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "big.xlsx")["exchanges"]
    assert len(sheet.cell(2, COLUMNS.index("request_body") + 1).value) == 32_767


def test_har_is_valid_1_2(tmp_path: Path) -> None:
    write_har(_exchanges(), tmp_path / "e.har")
    har = json.loads((tmp_path / "e.har").read_text())
    log = har["log"]
    assert log["version"] == "1.2" and {"name", "version"} <= set(log["creator"])
    assert len(log["entries"]) == 2
    for entry in log["entries"]:
        assert {"startedDateTime", "time", "request", "response", "cache", "timings"} <= set(entry)
        datetime.fromisoformat(entry["startedDateTime"])
        req, res = entry["request"], entry["response"]
        req_keys = {"method", "url", "httpVersion", "cookies", "headers", "queryString"}
        assert req_keys | {"headersSize", "bodySize"} <= set(req)
        res_keys = {"status", "statusText", "httpVersion", "cookies", "headers", "content"}
        assert res_keys | {"redirectURL", "headersSize", "bodySize"} <= set(res)
        assert {"size", "mimeType"} <= set(res["content"])
        assert {"send", "wait", "receive"} <= set(entry["timings"])
        assert all({"name", "value"} == set(h) for h in req["headers"] + res["headers"])
        assert isinstance(entry["time"], float) and entry["time"] >= 0


def test_har_entry_details() -> None:
    created, failed = to_har(_exchanges())["log"]["entries"]
    assert created["request"]["postData"] == {"mimeType": "application/json", "text": CREATE_BODY}
    assert created["response"]["status"] == 201 and created["response"]["statusText"] == "Created"
    assert created["response"]["content"]["text"].startswith('{"reference"')
    assert created["timings"]["wait"] == 42.5
    assert created["_operation"] == "create_payment" and created["_idempotencyKey"] == "idem-1"
    assert created["_reference"] == "ref-12345678" and created["_attempt"] == 1
    assert failed["response"]["status"] == 0 and failed["_error"].startswith("ConnectTimeout")
    assert failed["response"]["_error"] == failed["_error"]
    assert failed["request"]["queryString"] == [
        {"name": "x", "value": "1"},
        {"name": "y", "value": " two"},
    ]
    assert "postData" not in failed["request"]


def test_curl_matches_quick_start_form() -> None:
    text = to_curl(_exchanges()[0])
    lines = text.split(" \\\n")
    assert lines[0] == "curl -X POST https://apitest.vipps.no/epayment/v1/payments"
    assert '-H "Content-Type: application/json"' in lines
    assert '-H "Authorization: Bearer <access_token>"' in lines
    assert '-H "Ocp-Apim-Subscription-Key: <subscription_key>"' in lines
    assert '-H "Idempotency-Key: idem-1"' in lines
    assert not any("Content-Length" in line for line in lines)
    # The shell gives back the exact body, quotes and dollar signs included.
    argv = shlex.split(text.replace(" \\\n", " "))
    assert argv[argv.index("--data") + 1] == CREATE_BODY


def test_curl_never_shows_secret_values_even_unredacted() -> None:
    raw = Exchange(
        "POST",
        "https://apitest.vipps.no/accesstoken/get",
        "access_token",
        request_headers={"client_id": "cid", "client_secret": "s3cret-value", "Authorization": "x"},
    )
    text = to_curl(raw)
    assert "s3cret-value" not in text
    assert '-H "client_secret: <client_secret>"' in text and '-H "client_id: cid"' in text
    assert text.endswith("--data ''")
    get = to_curl(_exchanges()[1])
    assert get.splitlines()[0].startswith("curl -X GET 'https://")  # `&` and `?` quoted


def test_curl_quotes_hostile_header_values() -> None:
    hostile = Exchange("GET", "http://x.test/", "op", request_headers={"X-Note": 'a"$(rm -rf ~)`'})
    argv = shlex.split(to_curl(hostile).replace(" \\\n", " "))
    assert argv[argv.index("-H") + 1] == 'X-Note: a"$(rm -rf ~)`'


def test_curl_quotes_a_hostile_method() -> None:
    """A method is text like any other: "get;id" must not run `id` when the script runs."""
    hostile = Exchange("get;id $(touch x)", "http://x.test/", "op")
    argv = shlex.split(to_curl(hostile))
    assert argv[:3] == ["curl", "-X", "GET;ID $(TOUCH X)"]


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_every_format_exports_from_frame_and_from_list(fmt: str, frame: pd.DataFrame) -> None:
    from_frame = export_bytes(frame, fmt)
    from_list = export_bytes(_exchanges(), fmt)
    assert from_frame and from_list
    if fmt != "xlsx":  # xlsx embeds creation times; the others must be identical
        assert from_frame == from_list


def test_unknown_format_is_refused(frame: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="csv"):
        export_bytes(frame, "pdf")


def test_json_writes_to_path(frame: pd.DataFrame, tmp_path: Path) -> None:
    write_json(frame, tmp_path / "e.json")
    assert len(json.loads((tmp_path / "e.json").read_text())) == 2
