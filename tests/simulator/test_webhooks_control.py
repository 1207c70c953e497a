"""The webhook side of the control plane: runtime settings, and the clock skipping retry waits."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from simulator import SimulatorServer
from simulator.__main__ import config_from_args, parse_args
from tests.simulator.helpers import Api
from tests.simulator.webhook_helpers import Receiver, receivers, register, wait_for_attempts


def settings(sim: SimulatorServer, body: Any = None) -> requests.Response:
    url = f"{sim.base_url}/_sim/webhooks/settings"
    if body is None:
        return requests.get(url, timeout=10)
    return requests.post(url, json=body, timeout=10)


def test_settings__shown_changed_and_restored_by_reset(sim: SimulatorServer) -> None:
    assert settings(sim).json()["timeoutSeconds"] == 10.0
    changed = settings(sim, {"retryScale": 0.01, "timeoutSeconds": 2, "maxInFlight": 4})
    assert changed.status_code == 200
    assert changed.json() | {"giveUpSeconds": 0} == {
        "retryScale": 0.01,
        "timeoutSeconds": 2.0,
        "maxInFlight": 4,
        "giveUpSeconds": 0,
    }
    sim.reset()
    assert settings(sim).json()["retryScale"] == 1.0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"retryScale": 0}, "retryScale"),
        ({"timeoutSeconds": "1"}, "timeoutSeconds"),
        ({"maxInFlight": 1.5}, "maxInFlight"),
        ({"maxInFlight": True}, "maxInFlight"),
        ({"speed": 2}, "speed"),
        ([1], "body"),
    ],
)
def test_settings__bad_values_name_the_field(sim: SimulatorServer, body: Any, field: str) -> None:
    response = settings(sim, body)
    assert response.status_code == 400
    assert [d["name"] for d in response.json()["extraDetails"]] == [field]


def test_clock_advance__brings_a_pending_retry_forward(delivery_sim: SimulatorServer) -> None:
    """2 s x 1000 = a 2,000 s wait for the retry; advancing the clock 2 s skips it."""
    sim = delivery_sim
    assert settings(sim, {"retryScale": 1000}).status_code == 200
    api = Api(sim)
    with receivers(Receiver(statuses=(503,))) as (receiver,):
        hook = register(api, receiver.url, ["epayments.payment.created.v1"])
        assert api.create().status_code == 201
        wait_for_attempts(sim.base_url, hook["id"], 1)  # recorded, so the retry wait has begun
        advance = {"seconds": 2}
        url = f"{sim.base_url}/_sim/clock/advance"
        assert requests.post(url, json=advance, timeout=10).status_code == 200
        first, second = receiver.wait_for(2)
        assert first.body == second.body
        attempts = wait_for_attempts(sim.base_url, hook["id"], 2)
        assert [a["status"] for a in attempts] == [503, 200]


def test_cli__webhook_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EPAYMENT_SIM_WEBHOOK_DELIVERY", raising=False)
    args = parse_args(["--webhook-retry-scale", "0.01", "--webhook-timeout", "3"])
    config = config_from_args(args)
    assert (config.webhook_retry_scale, config.webhook_timeout_seconds) == (0.01, 3.0)
    assert config.webhook_delivery == "worker"
    loop = config_from_args(parse_args(["--webhook-delivery", "loop"]))
    assert loop.webhook_delivery == "loop"
    monkeypatch.setenv("EPAYMENT_SIM_WEBHOOK_DELIVERY", "loop")
    assert config_from_args(parse_args([])).webhook_delivery == "loop"
