"""Fixtures for the simulator's tests: a simulator per webhook delivery mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator import SimulatorConfig, SimulatorServer
from tests.simulator.webhook_helpers import ByDeliveryMode


@pytest.fixture(scope="session")
def by_delivery_mode(
    simulator: SimulatorServer, simulator_config: SimulatorConfig
) -> Iterator[ByDeliveryMode]:
    servers = ByDeliveryMode(simulator, simulator_config)
    yield servers
    for server in servers.started:
        server.stop()


@pytest.fixture(params=["worker", "loop"])
def delivery_sim(
    request: pytest.FixtureRequest, by_delivery_mode: ByDeliveryMode
) -> SimulatorServer:
    """A simulator delivering webhooks from a worker process, then one delivering on its own
    event loop; reset first."""
    server = by_delivery_mode.get(request.param)
    server.reset()
    assert server.webhooks.mode == request.param
    return server
