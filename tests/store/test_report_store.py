"""The evidence report and pack from a store (both backends): the report reads the same as the
report of the same exchanges as a list, asks the database bounded questions (never the whole
log), caps its timelines with a line for the rest, and the pack streams into a file."""

from __future__ import annotations

import io
import json
import random
import zipfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pypdf import PdfReader

from lib.checklist import ITEM_IDS
from lib.exchange import Exchange
from lib.qa.runner import Outcome, StepResult
from lib.recorder import ExchangeFilter, Recorder, SqlStore, report_queries
from lib.recorder.sources import Selection
from lib.report import ReportInfo, evidence_pack_bytes, render_report, write_evidence_pack
from lib.report import printed as printed_module
from lib.report.pdf import render_pdf
from tests.checklist.checklist_logs import NOW, LogBuilder, complete_log

INFO = ReportInfo(label="release QA", generated_at=NOW)
LOG_FILES = ("exchanges.csv", "exchanges.xlsx", "exchanges.json", "exchanges.har")


def _record(recorder: Recorder, exchanges: list[Exchange]) -> list[Exchange]:
    """The exchanges as the store keeps them (redacted, new ids): both reports read these."""
    for ex in exchanges:
        recorder.record(replace(ex, id=None))
    return recorder.exchanges()


def _this_run(recorder: Recorder) -> Selection:
    return Selection(recorder.store, ExchangeFilter(run_ids=(recorder.run_id,)))


def _mixed() -> list[Exchange]:
    """Test evidence with webhooks, a second MSN, a request that got no response, a problem."""
    b = complete_log(LogBuilder())
    b.delivery("acme-order-1")
    b.delivery("acme-order-9", verdict="refused")
    lost = b.add("get_payment", "GET", "http://127.0.0.1:1/epayment/v1/payments/acme-order-2",
                 200, ref="acme-order-2")  # fmt: skip
    lost.status, lost.error = None, "ConnectTimeout: no answer in 10 s"
    b.exchanges[1].request_headers["Merchant-Serial-Number"] = "654321"
    return b.exchanges


def _shuffled_times() -> list[Exchange]:
    """Times out of insertion order, and ties: the log's order is (time, id) both ways."""
    rng = random.Random(7)
    log = complete_log(LogBuilder(target="simulator")).exchanges
    base = NOW - timedelta(days=3)
    return [replace(ex, started_at=base + timedelta(minutes=rng.randint(0, 5))) for ex in log]


LOGS = {
    "test": _mixed,
    "simulator": lambda: complete_log(LogBuilder(target="simulator")).exchanges,
    "old": lambda: complete_log(LogBuilder(at=NOW - timedelta(days=27))).exchanges,
    "shuffled": _shuffled_times,
    "empty": lambda: [],
}


def _user_step(stored: list[Exchange]) -> list[StepResult]:
    """A QA step with the user's part (never logged): both timelines show it."""
    first = next((ex for ex in stored if ex.reference == "acme-order-1"), None)
    if first is None:
        return []
    moment = first.started_at + timedelta(seconds=1)
    return [StepResult("pay", "approve", Outcome.PASSED, "approved", [first], "acme-order-1",
                       "approve", moment)]  # fmt: skip


@pytest.mark.parametrize("name", LOGS)
def test_report_from_the_store_reads_as_the_report_from_the_list(
    recorder: Recorder, name: str
) -> None:
    stored = _record(recorder, LOGS[name]())
    steps = _user_step(stored)
    from_list = render_report(stored, info=INFO, qa_steps=steps)
    from_store = render_report(_this_run(recorder), info=INFO, qa_steps=steps)
    assert from_store == from_list
    assert render_pdf(_this_run(recorder), info=INFO) == render_pdf(stored, info=INFO)


def test_report_from_the_store_shows_its_head_and_examples(recorder: Recorder) -> None:
    """Not only equal to the list's: the facts are there (a failure could hide in both)."""
    _record(recorder, _mixed())
    html = render_report(_this_run(recorder), info=INFO, qa_steps=_user_step(recorder.exchanges()))
    assert "<dd>123456, 654321</dd>" in html and "<dd>test</dd>" in html
    assert "<h3>acme-order-1</h3>" in html and "<h3>acme-order-9</h3>" in html
    assert "<i>user approve</i>" in html
    assert 'id="ex-' in html and "no response: ConnectTimeout" in html
    assert "more references" not in html  # every reference has its timeline


def test_rehearsal_warning_heads_the_report_and_pdf_from_a_store(recorder: Recorder) -> None:
    _record(recorder, complete_log(LogBuilder(target="custom")).exchanges)
    html = render_report(_this_run(recorder), info=INFO)
    top = html[: html.index("<table")]
    assert "This evidence is a rehearsal on a custom URL. It is not evidence for Vipps" in top
    assert top.index("class='warning'") < top.index("<dl class='meta'>")
    assert "<dd>custom (a rehearsal, not evidence for Vipps)</dd>" in top
    text = _pdf_text(render_pdf(_this_run(recorder), info=INFO))
    assert text.index("WARNING: This evidence is a rehearsal on a custom URL") < text.index(
        "Sales unit (MSN) 123456"
    )


def test_a_reference_only_in_a_body_has_a_timeline_only_from_the_list(recorder: Recorder) -> None:
    """The intended difference: the store groups timelines by the stored reference column."""
    b = complete_log(LogBuilder())
    b.add("create_payment", "POST", "http://127.0.0.1:1/epayment/v1/payments", 400,
          req={"reference": "body-only-1"}, resp={"title": "Bad"})  # fmt: skip
    stored = _record(recorder, b.exchanges)
    assert "<h3>body-only-1</h3>" in render_report(stored, info=INFO)
    assert "<h3>body-only-1</h3>" not in render_report(_this_run(recorder), info=INFO)


def _with_other_references(count: int) -> list[Exchange]:
    """The complete log (whose checklist cites acme-order-1 to 5), then `count` references
    the checklist does not cite, three exchanges each."""
    b = complete_log(LogBuilder())
    for n in range(count):
        b.at += timedelta(minutes=1)
        for _ in range(3):
            b.add("lookup_order", "GET", f"http://127.0.0.1:1/shop/{n}", 200, ref=f"other-{n}")
    return b.exchanges


def test_timelines_are_capped_cited_first_then_newest(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(printed_module, "MAX_TIMELINES", 7)
    monkeypatch.setattr(printed_module, "MAX_TIMELINE_EXCHANGES", 4)
    stored = _record(recorder, _with_other_references(10))
    html = render_report(_this_run(recorder), info=INFO)
    shown = [
        part.split("</h3>")[0] for part in html.split('<div class="timeline"><h3>')[1:]
    ]  # in order of first appearance
    cited = [f"acme-order-{n}" for n in range(1, 6)]
    assert shown == [*cited, "other-8", "other-9"]
    assert "8 more references are in the log files of the evidence pack" in html
    # acme-order-1 has seven exchanges on its timeline: four printed, the rest counted.
    assert "… 3 more exchanges of this reference in the log files" in html
    assert html == render_report(stored, info=INFO)  # the list path caps the same way


def test_the_report_from_a_store_never_reads_the_whole_log(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _record(Recorder(store, run_label="big"), _with_other_references(60))
    total = store.count()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the report read the log a chunk at a time")

    for name in ("iter_exchanges", "iter_rows", "exchanges"):
        monkeypatch.setattr(store, name, refuse)
    read: list[int] = []

    def counted(row: Any) -> Exchange:
        read.append(1)
        return to_exchange(row)

    to_exchange = report_queries.to_exchange
    monkeypatch.setattr(report_queries, "to_exchange", counted)
    monkeypatch.setattr(printed_module, "MAX_TIMELINES", 5)
    monkeypatch.setattr(printed_module, "MAX_TIMELINE_EXCHANGES", 2)
    html = render_report(Selection(store), info=INFO)
    render_pdf(Selection(store), info=INFO)
    operations, outcomes = 7, 2  # the examples: one exchange per operation and outcome at most
    bound = 2 * (operations * outcomes + 5 * (2 + 1))  # HTML and PDF; a timeline reads one more
    assert 0 < len(read) <= bound < total
    assert "60 more references are in the log files" in html


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _rows(files: dict[str, bytes]) -> dict[str, int]:
    return {
        "exchanges.csv": len(pd.read_csv(io.BytesIO(files["exchanges.csv"]))),
        "exchanges.xlsx": len(pd.read_excel(io.BytesIO(files["exchanges.xlsx"]))),
        "exchanges.json": len(json.loads(files["exchanges.json"])),
        "exchanges.har": len(json.loads(files["exchanges.har"])["log"]["entries"]),
    }


def _files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_pack_written_to_a_path_holds_the_report_and_every_row(
    location: str, tmp_path: Path
) -> None:
    with (
        Recorder.open(location, "earlier") as earlier,
        Recorder.open(location, "now") as current,
    ):
        _record(earlier, complete_log(LogBuilder(target="simulator")).exchanges[:4])
        count = len(_record(current, _mixed()))
        everything = write_evidence_pack(current.store, tmp_path / "packs" / "all.zip", now=NOW)
        this_run = write_evidence_pack(current, tmp_path / "packs" / "run", now=NOW)
        in_memory = evidence_pack_bytes(current.store, now=NOW)
    assert sorted(p.name for p in (tmp_path / "packs").rglob("*") if p.is_file()) == [
        "all.zip",
        "evidence-pack-20261125-120000.zip",
    ]  # no partial file left behind
    for path, rows in ((everything, count + 4), (this_run, count)):
        files = _files(path)
        assert {"report.html", "report.pdf", *LOG_FILES, "checklist.json"} <= set(files)
        assert _rows(files) == dict.fromkeys(LOG_FILES, rows)
        assert [r["id"] for r in json.loads(files["checklist.json"])] == list(ITEM_IDS)
        assert files["report.pdf"].startswith(b"%PDF-")
        assert f"<dt>Exchanges</dt><dd>{rows}</dd>" in files["report.html"].decode()
    with zipfile.ZipFile(io.BytesIO(in_memory)) as zf:
        from_memory = {name: zf.read(name) for name in zf.namelist()}
    written = _files(everything)
    assert from_memory.keys() == written.keys()
    for name in set(written) - {"exchanges.xlsx"}:  # the workbook carries its creation time
        assert from_memory[name] == written[name], name
