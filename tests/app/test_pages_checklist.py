"""The go-live checklist page: statuses from a seeded log, comments, click-through, the pack."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lib import downloads
from lib.checklist import ITEM_IDS
from lib.qa import from_simulator, scenario_by_name
from lib.recorder import ExchangeFilter, Recorder
from tests.app.helpers import metrics, texts, unexpected
from tests.checklist.checklist_logs import LogBuilder, complete_log

CHECKLIST = "pages/10_checklist.py"
LOG = "pages/09_request_log.py"
# Q1 needs received webhooks: rehearsed only when a webhook receiver is registered (the
# dashboard's boot does; this log may not). Nothing on the simulator is ever met.
WEBHOOKS = "Q1"
MANUAL = {"P3", "P4", "P5", "G1", "G4"}
AUTOMATIC = set(ITEM_IDS) - MANUAL
REHEARSAL = "This evidence is a rehearsal on the simulator. It is not evidence for Vipps"
# Streamlit's named column widths in pixels; the wide layout's table is far wider than this.
NAMED_WIDTHS = {"small": 75, "medium": 200, "large": 400}


@pytest.fixture
def battery_log(simulator, tmp_path: Path) -> Recorder:
    """An evidence file whose current run holds the whole QA battery, run by lib.qa directly."""
    recorder = Recorder.open(tmp_path / "evidence.sqlite", run_label="battery")
    run = from_simulator(simulator, recorder=recorder)
    assert not run.run().failed
    return recorder


def statuses(at) -> dict[str, str]:
    table = at.dataframe[0].value
    return {row.id: row.status for row in table.itertuples()}


def recorded(exchanges, tmp_path: Path) -> Recorder:
    recorder = Recorder.open(tmp_path / "seeded.sqlite", run_label="seeded")
    for ex in exchanges:
        recorder.record(ex)
    return recorder


def test_after_the_battery_on_the_simulator_every_item_is_rehearsed_none_met(
    app, battery_log
) -> None:
    at = app(CHECKLIST, recorder=battery_log)
    assert not unexpected(at)
    got = statuses(at)
    assert list(got) == list(ITEM_IDS)
    assert {i for i, s in got.items() if s == "manual"} == MANUAL
    assert "met" not in got.values()
    rehearsed = {i for i, s in got.items() if s == "rehearsed"}
    assert rehearsed - {WEBHOOKS} == AUTOMATIC - {WEBHOOKS}
    assert metrics(at)["Met for Vipps"] == "0 of 15"
    assert metrics(at)["Rehearsed"] == str(len(rehearsed))
    assert at.warning[0].value.startswith(REHEARSAL)  # the first thing said about the items
    table = at.dataframe[0].value.set_index("id")
    assert set(table.loc[sorted(rehearsed), "target"]) == {"simulator"}
    assert "not evidence for Vipps: run it in production" in table.loc["G2", "next step"]


def test_the_target_shows_without_scrolling_sideways(app, battery_log) -> None:
    at = app(CHECKLIST, recorder=battery_log)
    frame = at.dataframe[0]
    columns = list(frame.value.columns)
    assert columns[:5] == ["id", "item", "status", "target", "proven"]
    config = json.loads(frame.proto.columns)
    widths = [config[c]["width"] for c in columns[:4]]
    assert sum(NAMED_WIDTHS.get(w, w) for w in widths) <= 450


def test_test_environment_evidence_is_met_with_no_rehearsal_warning(app, tmp_path) -> None:
    recent = datetime.now(UTC) - timedelta(days=2)
    log = complete_log(LogBuilder(at=recent, target="test")).exchanges
    at = app(CHECKLIST, recorder=recorded(log, tmp_path))
    assert not unexpected(at)
    got = statuses(at)
    assert {i for i, s in got.items() if s == "met"} == AUTOMATIC - {"Q1", "G2"}
    assert metrics(at)["Met for Vipps"] == "13 of 15"
    assert not at.warning
    table = at.dataframe[0].value.set_index("id")
    assert table.loc["E1", "target"] == "test"
    assert table.loc["E1", "proven"] == f"{recent:%Y-%m-%d} (2 days)"


def test_old_evidence_warns_before_it_turns_stale(app, tmp_path) -> None:
    old = datetime.now(UTC) - timedelta(days=27)
    log = complete_log(LogBuilder(at=old, target="test")).exchanges
    at = app(CHECKLIST, recorder=recorded(log, tmp_path))
    assert statuses(at)["E1"] == "met"
    assert [w.value for w in at.warning if w.value.startswith("Older than 25 days")]
    assert "(27 days)" in at.dataframe[0].value.set_index("id").loc["E1", "proven"]


def test_an_empty_run_has_every_automatic_item_missing(app) -> None:
    at = app(CHECKLIST)
    assert not unexpected(at)
    got = statuses(at)
    assert {i for i, s in got.items() if s == "missing"} == AUTOMATIC
    assert metrics(at)["Met for Vipps"] == "0 of 15"
    assert at.dataframe[0].value.set_index("id").loc["E5", "next step"]  # says what to run


def test_this_run_or_all_runs(app, battery_log) -> None:
    battery_log.start_run("a new, empty run")
    at = app(CHECKLIST, recorder=battery_log)
    assert statuses(at)["E5"] == "missing"
    at.radio(key="chk_scope").set_value("All runs").run()
    assert statuses(at)["E5"] == "rehearsed"


def test_a_manual_comment_is_saved_with_the_run(app, battery_log) -> None:
    at = app(CHECKLIST, recorder=battery_log)
    at.text_area(key="chk_comment_P4").input("Buttons checked against the design guide.")
    at.button(key="chk_save").click().run()
    assert not unexpected(at)
    assert battery_log.get_run_meta("checklist:P4") == "Buttons checked against the design guide."
    assert battery_log.get_run_meta("checklist:P3") is None  # left empty: nothing stored
    table = at.dataframe[0].value.set_index("id")
    assert table.loc["P4", "comment"] == "Buttons checked against the design guide."
    assert table.loc["P4", "next step"] == "" and table.loc["P3", "next step"]


def test_an_item_opens_its_exchange_in_the_request_log(app, battery_log) -> None:
    at = app(CHECKLIST, recorder=battery_log)
    at.selectbox(key="chk_item").set_value("E5").run()
    assert "targets: **simulator**" in texts(at)
    assert any(w.value.startswith("A rehearsal:") for w in at.warning)  # the item's own warning
    newest = at.selectbox(key="chk_exchange").value
    assert battery_log.exchanges()[newest - 1].operation == "capture_payment"
    at.button(key="chk_open").click().run()
    assert not unexpected(at)
    assert [t.value for t in at.title] == ["Request log"]
    assert at.selectbox(key="log_detail").value == newest


def test_the_evidence_pack_is_built_when_asked(app, simulator, tmp_path: Path) -> None:
    recorder = Recorder.open(tmp_path / "evidence.sqlite", run_label="pack")
    from_simulator(simulator, recorder=recorder).run([scenario_by_name("full_capture_refund")])
    recorder.set_run_meta("checklist:G1", "Production keys ordered.")
    at = app(CHECKLIST, recorder=recorder)
    assert not at.get("download_button")
    at.button(key="chk_pack").click().run()
    assert not unexpected(at)
    button = at.get("download_button")[0]
    assert button.proto.label == "Download the evidence pack"
    data = at.session_state.chk_pack_file[2]
    with zipfile.ZipFile(io.BytesIO(data)) as pack:
        names = set(pack.namelist())
        report = pack.read("report.html").decode()
    assert {"report.html", "report.pdf", "exchanges.csv", "exchanges.xlsx"} <= names
    assert "Production keys ordered." in report
    assert REHEARSAL in report
    assert "more than a browser download may hold" not in texts(at)  # within the limit
    at.radio(key="chk_scope").set_value("All runs").run()
    assert not at.get("download_button")  # the pack was built for this run only


def test_a_pack_over_the_limit_is_written_to_a_file(
    app, simulator, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(downloads, "DOWNLOAD_LIMIT", 3)
    recorder = Recorder.open(tmp_path / "evidence.sqlite", run_label="pack")
    from_simulator(simulator, recorder=recorder).run([scenario_by_name("full_capture_refund")])
    in_run = recorder.store.count(ExchangeFilter(run_ids=(recorder.run_id,)))
    at = app(CHECKLIST, recorder=recorder)
    assert f"The evidence pack of {in_run:,} exchanges is more than a browser download" in texts(at)
    at.button(key="chk_pack").click().run()
    assert not unexpected(at)
    assert not at.get("download_button")
    assert not at.session_state.chk_pack_file  # no zip bytes kept in the session
    (written,) = (tmp_path / "exports").glob(f"evidence-pack-run-{recorder.run_id}-*.zip")
    assert f"`{written}`" in at.success[0].value
    # The rehearsal warning is repeated next to the file's path, after the success message.
    assert at.warning[-1].value.startswith(REHEARSAL)
    with zipfile.ZipFile(written) as pack:
        assert {"report.html", "exchanges.csv"} <= set(pack.namelist())
        rows = list(csv.DictReader(io.StringIO(pack.read("exchanges.csv").decode())))
        assert REHEARSAL in pack.read("report.html").decode()
    assert len(rows) == in_run > 3 and {r["run"] for r in rows} == {recorder.run_id}
    at.radio(key="chk_scope").set_value("All runs").run()
    assert not at.success  # written for this run only


def evaluated(at) -> int:
    found = re.search(r"(\d+) exchanges evaluated", texts(at))
    assert found, texts(at)
    return int(found.group(1))


def test_the_checklist_asks_the_store_and_never_loads_the_log(
    app, battery_log, monkeypatch
) -> None:
    in_run = len(battery_log.exchanges())
    Recorder(battery_log.store, "earlier").record(battery_log.exchanges()[0])  # another run

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole log was loaded")

    monkeypatch.setattr(Recorder, "exchanges", refuse)
    monkeypatch.setattr(type(battery_log.store), "iter_exchanges", refuse)
    at = app(CHECKLIST, recorder=battery_log)
    assert not unexpected(at)
    assert evaluated(at) == in_run
    at.radio(key="chk_scope").set_value("All runs").run()
    assert not unexpected(at)
    assert evaluated(at) == battery_log.store.count() > in_run
