"""The HTML report and the evidence pack from hand-built logs (no simulator needed)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pandas as pd
import pytest
from pypdf import PdfReader

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
    assert "Completeness: <b>87%</b> met for Vipps" in html
    assert "13 of 15 automatic items met · 2 missing" in html
    assert "class='warning'" not in html  # test evidence, fresh: nothing to warn about


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
        assert "report.pdf" in zf.namelist()


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


def _two_runs(tmp_path) -> tuple[Recorder, int]:
    """An earlier run with one exchange, then the current one holding the complete log."""
    earlier = Recorder.open(tmp_path / "e.sqlite", run_label="earlier")
    earlier.record(
        LogBuilder().add(
            "get_payment", "GET", "http://x/epayment/v1/payments/old-1", 200, ref="old-1"
        )
    )
    rec = Recorder.open(tmp_path / "e.sqlite", run_label="now")
    log = complete_log(LogBuilder()).exchanges
    for ex in log:
        rec.record(ex)
    return rec, len(log)


def test_pack__from_a_store_streams_the_chosen_runs(tmp_path) -> None:
    rec, count = _two_runs(tmp_path)
    files = pack_files(rec)  # the recorder's current run
    assert len(pd.read_csv(io.BytesIO(files["exchanges.csv"]))) == count
    assert len(json.loads(files["exchanges.json"])) == count
    assert len(json.loads(files["exchanges.har"])["log"]["entries"]) == count
    assert len(pd.read_excel(io.BytesIO(files["exchanges.xlsx"]))) == count
    everything = pack_files(rec.store)  # a store: every run
    frame = pd.read_csv(io.BytesIO(everything["exchanges.csv"]))
    assert len(frame) == count + 1 and "old-1" in set(frame["reference"])
    assert "old-1" in everything["report.html"].decode()
    assert "old-1" not in files["report.html"].decode()


def test_pack__a_store_and_its_exchanges_give_the_same_checklist(tmp_path) -> None:
    rec, _ = _two_runs(tmp_path)
    from_store = json.loads(pack_files(rec)["checklist.json"])
    from_list = json.loads(pack_files(rec.exchanges())["checklist.json"])
    assert from_store == from_list
    assert {r["status"] for r in from_store} >= {"met", "manual"}


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
        assert memory.read("report.pdf") == written.read("report.pdf")


def pack_files(exchanges, **kwargs) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(evidence_pack_bytes(exchanges, now=NOW, **kwargs))) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def head(html: str) -> str:
    """The report up to its first table: what a reader sees before scrolling."""
    return html[: html.index("<table")]


@pytest.mark.parametrize(
    ("target", "where"), [("simulator", "the simulator"), ("custom", "a custom URL")]
)
def test_report__a_rehearsal_says_so_at_the_top(target: str, where: str) -> None:
    log = complete_log(LogBuilder(target=target))
    html = render_report(log.exchanges, info=ReportInfo(target=target, generated_at=NOW))
    top = head(html)
    assert f"This evidence is a rehearsal on {where}. It is not evidence for Vipps" in top
    assert top.index("class='warning'") < top.index("<dl class='meta'>")
    assert f"<dd>{target} (a rehearsal, not evidence for Vipps)</dd>" in top
    assert f"0 of 15 automatic items met · 14 rehearsed on {where} · 1 missing" in top
    assert "Completeness: <b>0%</b>" in top
    assert html.count('<span class="badge rehearsed">') == 14


def test_report__each_proof_shows_its_date_and_age() -> None:
    log = complete_log(LogBuilder(at=NOW - timedelta(days=2, hours=3)))
    html = render_report(log.exchanges, info=ReportInfo(generated_at=NOW))
    e1_row = html[html.index('id="item-E1"') : html.index('id="item-E2"')]
    assert "<td>2026-11-23 (2 days)</td>" in e1_row
    assert "(2 days old)" in html[html.index("Request and response examples") :]


def test_report__warns_when_an_example_is_over_25_days_old() -> None:
    fresh = complete_log(LogBuilder(at=NOW - timedelta(days=25))).exchanges
    assert "Older than 25 days" not in render_report(fresh, info=ReportInfo(generated_at=NOW))
    old = complete_log(LogBuilder(at=NOW - timedelta(days=26))).exchanges
    top = head(render_report(old, info=ReportInfo(generated_at=NOW)))
    assert "Older than 25 days: the proof of E1, E2, E3" in top
    assert "no older than 1 month" in top


def test_pack__carries_the_report_as_pdf_with_the_rehearsal_warning_and_msn() -> None:
    files = pack_files(complete_log(LogBuilder(target="simulator")).exchanges)
    assert files["report.pdf"].startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(files["report.pdf"]))
    assert reader.metadata is not None and reader.metadata.title == "ePayment checklist evidence"
    text = pdf_text(files["report.pdf"])
    assert "This evidence is a rehearsal on the simulator. It is not evidence for Vipps" in text
    assert "Sales unit (MSN) 123456" in text
    assert "0 of 15 automatic items met · 14 rehearsed on the simulator" in text
    assert "acme-order-1" in text and "rehearsed" in text


def test_pack__pdf_of_test_evidence_has_no_rehearsal_warning_but_the_age_one() -> None:
    log = complete_log(LogBuilder(at=NOW - timedelta(days=27)))
    log.exchanges[0].request_headers["Merchant-Serial-Number"] = "654321"
    text = pdf_text(pack_files(log.exchanges)["report.pdf"])
    assert "rehearsal" not in text
    assert "Sales unit (MSN) 123456, 654321" in text
    assert "13 of 15 automatic items met" in text
    assert "WARNING: Older than 25 days" in text and "(27 days old)" in text


def test_pack__pdf_prints_any_logged_text() -> None:
    """Logged text is not Latin-1: the PDF's fonts are, so it must still build and say it."""
    b = LogBuilder()
    b.create("acme-order-1")
    b.exchanges[0].reference = "ordre-æøå-→-日本"
    info = ReportInfo(label="Kjøring «1» → 日本", generated_at=NOW)
    text = pdf_text(pack_files(b.exchanges, info=info)["report.pdf"])
    assert "Kjøring «1» -> ??" in text and "ordre-æøå" in text
