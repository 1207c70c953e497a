"""The go-live checklist page: statuses from a seeded log, comments, click-through, the pack."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from lib.checklist import ITEM_IDS
from lib.qa import from_simulator, scenario_by_name
from lib.recorder import Recorder
from tests.app.helpers import metrics, texts, unexpected

CHECKLIST = "pages/10_checklist.py"
LOG = "pages/09_request_log.py"
# G2 needs production references: never proven on the simulator. Q1 needs received webhooks:
# met only when a webhook receiver is registered (the dashboard's boot does; this log may not).
NEVER_ON_SIMULATOR, WEBHOOKS = {"G2"}, "Q1"
MANUAL = {"P3", "P4", "P5", "G1", "G4"}


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


def test_after_the_battery_every_automatic_item_is_met_but_production(app, battery_log) -> None:
    at = app(CHECKLIST, recorder=battery_log)
    assert not unexpected(at)
    got = statuses(at)
    assert list(got) == list(ITEM_IDS)
    assert {i for i, s in got.items() if s == "manual"} == MANUAL
    assert {i for i, s in got.items() if s == "missing"} - {WEBHOOKS} == NEVER_ON_SIMULATOR
    met = {i for i, s in got.items() if s == "met"}
    assert met - {WEBHOOKS} == set(ITEM_IDS) - MANUAL - NEVER_ON_SIMULATOR - {WEBHOOKS}
    assert metrics(at)["Automatic items met"] == f"{len(met) / 15:.0%}"
    assert "**G2** Verify in production: a complete order: no production reference" in texts(at)


def test_an_empty_run_has_every_automatic_item_missing(app) -> None:
    at = app(CHECKLIST)
    assert not unexpected(at)
    got = statuses(at)
    assert {i for i, s in got.items() if s == "missing"} == set(ITEM_IDS) - MANUAL
    assert metrics(at)["Automatic items met"] == "0%"
    assert at.dataframe[0].value.set_index("id").loc["E5", "next step"]  # says what to run


def test_this_run_or_all_runs(app, battery_log) -> None:
    battery_log.start_run("a new, empty run")
    at = app(CHECKLIST, recorder=battery_log)
    assert statuses(at)["E5"] == "missing"
    at.radio(key="chk_scope").set_value("All runs").run()
    assert statuses(at)["E5"] == "met"


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
    assert {"report.html", "exchanges.csv", "exchanges.xlsx", "exchanges.har"} <= names
    assert "Production keys ordered." in report
    at.radio(key="chk_scope").set_value("All runs").run()
    assert not at.get("download_button")  # the pack was built for this run only
