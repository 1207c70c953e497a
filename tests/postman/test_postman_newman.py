"""newman runs the exported collections against the simulator with the exported environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lib.epayment import EPaymentClient
from lib.postman import environment_for, quickstart_collection, run_collection
from lib.recorder import Recorder
from lib.settings import Settings
from simulator import SimulatorServer


def _failures(run: dict[str, Any]) -> list[str]:
    return [f"{f['source'].get('name')}: {f['error'].get('message')}" for f in run["failures"]]


def test_quickstart_collection__every_request_answers_as_expected(
    newman: Any, postman_sim: SimulatorServer, tmp_path: Path
) -> None:
    settings = Settings.for_simulator(postman_sim.base_url, postman_sim.sales_units[0])
    run = newman(quickstart_collection(), environment_for(settings), tmp_path)
    assert _failures(run) == []
    stats = run["stats"]
    assert stats["requests"]["total"] == len(quickstart_collection()["item"]) == 12
    assert stats["assertions"]["failed"] == 0 and stats["assertions"]["total"] >= 14


def test_run_collection__a_recorded_run_replays_with_secrets_as_variables(
    newman: Any, postman_sim: SimulatorServer, tmp_path: Path
) -> None:
    settings = Settings.for_simulator(postman_sim.base_url, postman_sim.sales_units[0])
    with Recorder.open(tmp_path / "e.sqlite") as recorder:
        client = EPaymentClient(settings, recorder=recorder)
        client.get_access_token()
        ref = str(client.create_payment(amount=1000, return_url="https://example.com/r").reference)
        client.force_approve(ref, phone_number="4712345678")
        client.capture_payment(ref, 400)
        client.get_payment(ref)
        collection = run_collection(recorder.exchanges())
    text = str(collection)
    for secret in (settings.client_secret, settings.subscription_key):
        assert secret not in text
    assert "Bearer {{access_token}}" in text and "{{client_secret}}" in text
    postman_sim.backend.reset()  # the same requests again, on a simulator that never saw them
    run = newman(collection, environment_for(settings), tmp_path)
    assert _failures(run) == []
    assert run["stats"]["requests"]["total"] == 5
