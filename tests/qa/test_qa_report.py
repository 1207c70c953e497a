"""The HTML report and the evidence pack from hand-built logs (no simulator needed)."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd

from lib.checklist import ITEM_IDS
from lib.recorder import Recorder
from lib.report import (
    COMMENT_PREFIX,
    ReportInfo,
    evidence_pack_bytes,
    pack_name,
    render_report,
    write_evidence_pack,
)
from tests.checklist.checklist_logs import NOW, LogBuilder, complete_log


def test_report__head_checklist_timeline_and_examples() -> None:
    log = complete_log(LogBuilder())
    html = render_report(
        log.exchanges,
        info=ReportInfo(target="test", label="QA run 7", generated_at=NOW),
        manual_comments={"P4": "Buttons follow the design guide"},
    )
    assert "<dd>123456</dd>" in html and "<dd>test</dd>" in html and "QA run 7" in html
    for item_id in ITEM_IDS:
        assert f'id="item-{item_id}"' in html
    assert "Buttons follow the design guide" in html
    assert "<h3>acme-order-1</h3>" in html  # a timeline per reference
    assert 'id="ex-' in html and "capture_payment" in html
    assert "Completeness: <b>87%</b>" in html


def test_report__redacts_secrets_again() -> None:
    b = LogBuilder()
    headers = {"Authorization": "Bearer eyJhbGciOi-very-secret", "Merchant-Serial-Number": "1"}
    b.add("get_payment", "GET", "http://x/epayment/v1/payments/acme-1", 200, headers=headers)
    b.add("access_token", "POST", "http://x/accesstoken/get", 200,
          resp={"access_token": "eyJ-token-value", "expires_in": "3600"})  # fmt: skip
    html = render_report(b.exchanges, info=ReportInfo(generated_at=NOW))
    assert "very-secret" not in html and "eyJ-token-value" not in html
    assert "redacted" in html


def test_report__escapes_logged_text() -> None:
    b = LogBuilder()
    b.add("create_payment", "POST", "http://x/epayment/v1/payments", 400,
          req={"reference": "<script>alert(1)</script>"}, resp={"title": "<b>bad</b>"})  # fmt: skip
    html = render_report(b.exchanges, info=ReportInfo(generated_at=NOW))
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_pack__from_exchanges(tmp_path) -> None:
    log = complete_log(LogBuilder())
    path = write_evidence_pack(log.exchanges, tmp_path / "pack.zip", now=NOW)
    assert path == tmp_path / "pack.zip"
    with zipfile.ZipFile(path) as zf:
        frame = pd.read_csv(io.BytesIO(zf.read("exchanges.csv")))
        checklist = json.loads(zf.read("checklist.json"))
        assert len(frame) == len(log.exchanges)
        assert [r["id"] for r in checklist] == list(ITEM_IDS)
        assert "qa-results.json" not in zf.namelist()


def test_pack__from_recorder_takes_run_label_and_comments(tmp_path) -> None:
    with Recorder.open(tmp_path / "e.sqlite", run_label="release 2.1 QA") as rec:
        for ex in complete_log(LogBuilder()).exchanges:
            rec.record(ex)
        rec.set_run_meta(COMMENT_PREFIX + "G1", "Keys ordered 2026-11-01")
        path = write_evidence_pack(rec, tmp_path, now=NOW)
    assert path.parent == tmp_path and path.name.startswith("evidence-pack-")
    with zipfile.ZipFile(path) as zf:
        html = zf.read("report.html").decode()
        rows = {r["id"]: r for r in json.loads(zf.read("checklist.json"))}
    assert "release 2.1 QA" in html and "Keys ordered 2026-11-01" in html
    assert rows["G1"]["comment"] == "Keys ordered 2026-11-01"


def test_report__timeline_says_what_each_exchange_showed() -> None:
    log = complete_log(LogBuilder())
    html = render_report(log.exchanges, info=ReportInfo(generated_at=NOW))
    assert "GET → 200 state AUTHORIZED" in html
    assert "events CREATED → AUTHORIZED → CAPTURED → REFUNDED → CANCELLED" in html
    assert "POST → 400 ErrorCode 6080" in html


def test_pack__bytes_in_memory_match_the_written_file(tmp_path) -> None:
    log = complete_log(LogBuilder())
    data = evidence_pack_bytes(log.exchanges, now=NOW)
    path = write_evidence_pack(log.exchanges, tmp_path, now=NOW)
    assert path.name == pack_name(NOW) == "evidence-pack-20261125-120000.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as memory, zipfile.ZipFile(path) as written:
        assert memory.namelist() == written.namelist()
        assert memory.read("report.html") == written.read("report.html")
