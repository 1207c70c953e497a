"""CSV exports neutralise formula-like text (OWASP CSV injection); JSON and HAR keep it raw."""

from __future__ import annotations

import csv
import io
import json

import pytest

from lib.exchange import Exchange
from lib.recorder.exports import export_bytes, neutralise_formula

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def _exchange(value: str) -> Exchange:
    return Exchange(
        "POST",
        "http://127.0.0.1/webhook",
        "webhook_delivery",
        reference=value,
        idempotency_key=value,
        step=value,
        request_body=value,
        status=400,
        latency_ms=-1.5,
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv__no_cell_starts_a_formula(payload: str) -> None:
    rows = list(
        csv.DictReader(io.StringIO(export_bytes([_exchange(payload)], "csv").decode(), newline=""))
    )
    assert len(rows) == 1
    for column in ("reference", "idempotency_key", "step", "request_body"):
        assert rows[0][column] == "'" + payload, column
    # Numbers stay numbers: a negative latency is not text to neutralise.
    assert rows[0]["status"] == "400" and rows[0]["latency_ms"] == "-1.5"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_json_and_har__keep_the_raw_value(payload: str) -> None:
    record = json.loads(export_bytes([_exchange(payload)], "json"))[0]
    assert record["reference"] == payload and record["step"] == payload
    har = json.loads(export_bytes([_exchange(payload)], "har"))
    assert har["log"]["entries"][0]["request"]["postData"]["text"] == payload


def test_neutralise_formula__leaves_ordinary_text_and_numbers() -> None:
    assert neutralise_formula("epl-123456-ref") == "epl-123456-ref"
    assert neutralise_formula(-5) == -5 and neutralise_formula(None) is None
