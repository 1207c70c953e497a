"""The "Verify a sales unit" page: the battery on the simulator, results, links, targets."""

from __future__ import annotations

from dataclasses import replace

from lib.qa import scenario_by_name
from tests.app.helpers import metrics, texts, unexpected

QA = "pages/11_verify_sales_unit.py"
CHECKLIST = "pages/10_checklist.py"
SUBSET = ["full_capture_refund", "refusal_capture_above_authorized", "user_rejects"]


def run_subset(app, scenarios=SUBSET):
    at = app(QA)
    assert not unexpected(at)
    at.multiselect(key="qa_choice").set_value(scenarios).run()
    at.button(key="qa_run_go").click().run()
    assert not unexpected(at)
    return at


def test_the_battery_runs_on_the_simulator_and_every_step_passes(app) -> None:
    at = run_subset(app)
    scenarios = at.dataframe[0].value
    assert list(scenarios["scenario"]) == SUBSET
    assert set(scenarios["outcome"]) == {"pass"}
    steps = at.dataframe[1].value
    assert len(steps) == sum(len(scenario_by_name(n).steps) for n in SUBSET)
    assert set(steps["outcome"]) == {"pass"}
    assert all(steps["exchanges"].str.startswith("#") | steps["step"].str.startswith("user-"))
    assert metrics(at)["Scenarios passed"] == "3"
    assert metrics(at)["Failed"] == "0"


def test_the_run_is_a_run_of_its_own_and_feeds_the_checklist(app) -> None:
    at = run_subset(app)
    recorder = at.session_state.recorder
    assert at.session_state.qa_run == recorder.run_id
    assert next(r.label for r in recorder.runs() if r.id == recorder.run_id).startswith("QA ")
    assert {e.step.split(":")[0] for e in recorder.exchanges() if e.step} == set(SUBSET)
    at.switch_page(CHECKLIST).run()
    assert not unexpected(at)
    table = at.dataframe[0].value.set_index("id")
    # Shown, but on the simulator: a rehearsal, never met (evidence for Vipps).
    assert table.loc["E1", "status"] == "rehearsed"
    assert table.loc["Q3", "status"] == "rehearsed"  # the refusal logged a Problem


def test_a_step_opens_its_exchange_in_the_request_log(app) -> None:
    at = run_subset(app, ["full_capture_refund"])
    chosen = at.selectbox(key="qa_exchange").value
    at.button(key="qa_open").click().run()
    assert not unexpected(at)
    assert at.selectbox(key="log_detail").value == chosen


def test_the_test_environment_asks_for_a_phone_number(app, settings) -> None:
    test = replace(settings, target="test")
    at = app(QA, settings=test)
    assert not unexpected(at)
    assert at.button(key="qa_run_go").disabled
    assert "marked manual" in texts(at)
    at.text_input(key="qa_phone").input("4712345678").run()
    assert not at.button(key="qa_run_go").disabled


def test_production_is_refused(app, settings) -> None:
    at = app(QA, settings=replace(settings, target="production"))
    assert not unexpected(at)
    assert "never in production" in texts(at)
    assert not [b for b in at.button if b.key == "qa_run_go"]


def test_on_the_test_environment_reject_is_manual_and_approval_is_forced(app, settings) -> None:
    # The simulator answers force approve like the test environment; the page can't tell.
    at = app(QA, settings=replace(settings, target="test"))
    at.text_input(key="qa_phone").input("4712345678").run()
    at.multiselect(key="qa_choice").set_value(["full_capture_refund", "user_rejects"]).run()
    at.button(key="qa_run_go").click().run()
    assert not unexpected(at)
    outcomes = dict(at.dataframe[0].value[["scenario", "outcome"]].itertuples(index=False))
    assert outcomes == {"full_capture_refund": "pass", "user_rejects": "manual"}
    assert metrics(at)["Manual"] == "1"
    steps = at.dataframe[1].value
    reject = steps[steps["step"] == "user-reject"].iloc[0]
    assert "test app" in reject["message"]
