"""DeliveryWatch over real HTTP: the simulator's event logs and attempts against the receiver."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lib.qa import QaRun, from_simulator, scenario_by_name
from lib.qa.deliveries import DeliveryWatch
from lib.recorder import Recorder
from lib.simulator_control import SimulatorControl
from lib.webhooks import OPERATION, WebhookReceiver, register_receiver

MSN = "123456"


@pytest.fixture
def wired(sim: Any, tmp_path: Path) -> Iterator[tuple[QaRun, WebhookReceiver, Recorder]]:
    with (
        Recorder.open(tmp_path / "w.sqlite", run_label="watch") as recorder,
        WebhookReceiver(recorder=recorder) as receiver,
    ):
        run = from_simulator(sim, recorder=recorder)
        register_receiver(run.client, receiver, label=MSN)
        yield run, receiver, recorder


def references(run: QaRun) -> list[str]:
    return list(dict.fromkeys(s.reference for s in run.result.steps if s.reference))


def test_every_event_of_the_payment_is_waited_for_and_recorded(sim: Any, wired: Any) -> None:
    run, receiver, recorder = wired
    run.run([scenario_by_name("partial_capture_refund_cancel")])
    (reference,) = references(run)
    control = SimulatorControl(sim.base_url)
    count = DeliveryWatch(control, receiver).wait({MSN: [reference]}, timeout=20)
    logged = [e["name"] for e in control.payment(MSN, reference)["events"]]
    assert {"CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED", "CANCELLED"} <= set(logged)
    assert count.complete and count.due == count.delivered == count.recorded == len(logged)
    stored = recorder.exchanges(operation=OPERATION)
    assert sorted(e.reference or "" for e in stored) == [reference] * len(logged)
    assert count.sentence() == (
        f"{len(logged)} of {len(logged)} webhook deliveries due were received and recorded"
    )


def test_refused_deliveries_are_missing_after_the_timeout(sim: Any, wired: Any) -> None:
    run, receiver, _ = wired
    receiver.fail_next(10**6)  # answer 500: the simulator keeps them for a retry
    run.run([scenario_by_name("user_rejects")])
    (reference,) = references(run)
    count = DeliveryWatch(SimulatorControl(sim.base_url), receiver).wait({MSN: [reference]}, 0.5)
    assert not count.complete and count.recorded == 0 and count.due >= 2
    assert f"{reference} CREATED" in count.missing and f"{reference} ABORTED" in count.missing
    assert "still missing after the wait" in count.sentence()


def test_a_reference_without_a_payment_owes_nothing(sim: Any, wired: Any) -> None:
    run, receiver, _ = wired
    run.run([scenario_by_name("refusal_unknown_reference")])
    count = DeliveryWatch(SimulatorControl(sim.base_url), receiver).wait({MSN: references(run)}, 1)
    assert references(run) and count.complete and count.due == 0
