"""QA evidence end to end: each exchange labelled scenario:step; the user on the control plane."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lib.qa import Outcome, Scenario, from_simulator, scenario_by_name
from lib.qa.steps import create, user
from lib.recorder import Recorder
from lib.simulator_control import SimulatorControl

WRONG_KEYS = "refusal_wrong_keys:token-with-wrong-secret"


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[Recorder]:
    with Recorder.open(tmp_path / "qa.sqlite", run_label="labels") as rec:
        yield rec


def test_every_exchange_carries_its_scenario_and_step(sim: Any, recorder: Recorder) -> None:
    run = from_simulator(sim, recorder=recorder)
    names = ("refusal_wrong_keys", "full_capture_refund", "refusal_reused_reference")
    result = run.run([scenario_by_name(n) for n in names])
    assert not result.failed
    stored = {e.id: e for e in recorder.exchanges()}
    claimed = [(x.id, f"{s.scenario}:{s.step}") for s in result.steps for x in s.exchanges]
    assert claimed and all(stored[i].step == label for i, label in claimed)
    assert set(stored) == {i for i, _ in claimed}  # nothing recorded outside a step
    # The wrong-keys client is a client of its own, and its refusal is labelled all the same.
    wrong = [e for e in stored.values() if e.step == WRONG_KEYS]
    assert [e.operation for e in wrong] == ["access_token"]
    assert wrong[0].status in (400, 401, 403)
    assert "access_token" in {e.operation for e in stored.values() if e.step != WRONG_KEYS}


def test_the_user_lets_it_expire_without_moving_the_shared_clock(sim: Any) -> None:
    run = from_simulator(sim)
    result = run.run([scenario_by_name("payment_expires")])
    assert [s.outcome for s in result.steps] == [Outcome.PASSED] * 3
    assert result.steps[-1].message == "status 200, state EXPIRED"
    assert SimulatorControl(sim.base_url).advance_clock(0) == 0.0


def test_a_refused_user_action_fails_the_step_with_the_simulators_sentence(sim: Any) -> None:
    twice = Scenario("approve_twice", "approve twice", (create(), user("approve"), user("reject")))
    result = from_simulator(sim).run([twice])
    assert [s.outcome for s in result.steps] == [Outcome.PASSED, Outcome.PASSED, Outcome.FAILED]
    message = result.steps[-1].message
    assert message.startswith("SimulatorControlError: The simulator refused to reject payment")
    assert result.steps[1].message.startswith("approve: simulator control plane")


def test_each_step_result_names_its_sales_unit(sim: Any) -> None:
    unit = sim.sales_units[0]
    result = from_simulator(sim, sales_unit=unit).run([scenario_by_name("user_rejects")])
    assert {s.msn for s in result.steps} == {unit.merchant_serial_number}
