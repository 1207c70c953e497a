"""The QA battery on the simulator: all steps pass; the automatic checklist items are met."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lib.checklist import Status, evaluate
from lib.epayment.models import PaymentState
from lib.qa import (
    SCENARIOS,
    Expect,
    Outcome,
    QaRun,
    Scenario,
    TestEnvironmentActor,
    from_simulator,
    scenario_by_name,
)
from lib.qa.steps import create, get
from lib.recorder import Recorder
from lib.settings import Settings

# Webhooks (Q1) need a receiver, which the CLI registers; this run has none.
NOT_SHOWN_WITHOUT_WEBHOOKS = {"Q1"}
MONEY_5 = {"currency": "NOK", "value": 5}


@pytest.fixture
def recorder(tmp_path):
    with Recorder.open(tmp_path / "qa.sqlite", run_label="battery test") as rec:
        yield rec


def test_battery__passes_on_simulator_and_rehearses_the_checklist(sim, recorder) -> None:
    run = from_simulator(sim, recorder=recorder)
    events = list(run.progress())
    failed = [(s.scenario, s.step, s.message) for s in run.result.failed]
    assert not failed
    assert events[-1].kind == "battery_finished" and events[-1].outcome is Outcome.PASSED
    assert {s.scenario for s in run.result.steps} == {s.name for s in SCENARIOS}
    result = evaluate(recorder.exchanges(), now=datetime.now(UTC))
    # The simulator rehearses: nothing it shows is met (evidence for Vipps), all but these are.
    shown = {r.item.id for r in result.automatic if r.status is Status.REHEARSED}
    assert {r.item.id for r in result.automatic} - shown == NOT_SHOWN_WITHOUT_WEBHOOKS
    assert not result.having(Status.MET)


def test_battery__steps_name_their_exchanges(sim, recorder) -> None:
    run = from_simulator(sim, recorder=recorder)
    finished = [p for p in run.progress([scenario_by_name("full_capture_refund")])]
    capture = next(p for p in finished if p.kind == "step_finished" and p.step == "capture-all")
    assert capture.exchange_ids and capture.references
    stored = {e.id: e for e in recorder.exchanges()}
    assert stored[capture.exchange_ids[-1]].step == "full_capture_refund:capture-all"
    assert stored[capture.exchange_ids[-1]].operation == "capture_payment"
    assert (
        finished[-1].done
        == finished[-1].total
        == len(scenario_by_name("full_capture_refund").steps)
    )


def test_battery__idempotent_retry_captures_once(sim) -> None:
    run = from_simulator(sim)
    result = run.run([scenario_by_name("idempotent_capture_retry")])
    assert not result.failed
    captures = [e for e in run.exchanges if e.operation == "capture_payment"]
    assert len(captures) == 2 and captures[0].idempotency_key == captures[1].idempotency_key


def test_battery__wrong_expectation_fails_and_skips_the_rest(sim) -> None:
    broken = Scenario(
        "broken", "expects the wrong state", (create(), get("AUTHORIZED"), get("CREATED"))
    )
    run = from_simulator(sim)
    events = list(run.progress([broken]))
    outcomes = [s.outcome for s in run.result.steps]
    assert outcomes == [Outcome.PASSED, Outcome.FAILED, Outcome.SKIPPED]
    assert "state CREATED, expected AUTHORIZED" in run.result.steps[1].message
    assert events[-1].outcome is Outcome.FAILED


def test_battery__test_environment_actor_marks_reject_manual(sim) -> None:
    # The test environment's actor, pointed at the simulator: approval is a recorded force approve.
    settings = Settings.for_simulator(sim.base_url, sim.sales_units[0])
    run = QaRun(settings, lambda client: TestEnvironmentActor(client, "4712345678"))
    result = run.run([scenario_by_name("user_rejects"), scenario_by_name("full_capture_refund")])
    assert [s.outcome for s in result.steps[:3]] == [
        Outcome.PASSED,
        Outcome.MANUAL,
        Outcome.SKIPPED,
    ]
    assert result.scenario_outcome("user_rejects") is Outcome.MANUAL
    assert result.scenario_outcome("full_capture_refund") is Outcome.PASSED
    assert not result.failed
    assert any(e.operation == "force_approve" and e.status == 200 for e in run.exchanges)


def test_expect__reports_every_difference() -> None:
    from lib.qa import Observed

    seen = Observed(400, {"state": "CREATED"}, "6080")
    expect = Expect(200, "6090", state=PaymentState.AUTHORIZED, aggregate={"captured": 5})
    assert expect.problems(seen) == [
        "status 400, expected 200",
        "ErrorCode 6080, expected 6090",
        "state CREATED, expected AUTHORIZED",
        "captured NOK 0.00, expected NOK 0.05",
    ]
    captured = Observed(200, {"state": "AUTHORIZED", "aggregate": {"capturedAmount": MONEY_5}})
    assert expect.problems(captured) == ["ErrorCode None, expected 6090"]
    assert Expect(aggregate={"refunded": 1}).problems(Observed(400, {"title": "Bad"})) == [
        "no payment in the answer, expected refunded 1"
    ]
    with pytest.raises(ValueError, match="capturedAmount"):
        Expect(aggregate={"capturedAmount": 5})  # the JSON name is not an Aggregate field
    twice = Observed(200, [{"name": "CAPTURED"}, {"name": "CAPTURED"}])
    assert Expect(events=("REFUNDED",), once=("CAPTURED",)).problems(twice) == [
        "no REFUNDED event",
        "2 CAPTURED events, expected one",
    ]
