"""Root fixtures: one simulator per session on 127.0.0.1:0, reset per test when asked (`sim`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
import requests

from simulator import DEFAULT_SALES_UNIT, SalesUnit, SimulatorConfig, SimulatorServer

if TYPE_CHECKING:
    from tests.spec_observer import SpecObserver

# The spec_observer fixture and the autouse spec_conformance check after every simulator test.
pytest_plugins = ["tests.spec_observer"]


@pytest.fixture(scope="session")
def simulator_config(spec_observer: SpecObserver | None) -> SimulatorConfig:
    """The one place the session simulator's settings are built. Its observer checks every
    exchange against the official specs (tests/spec_observer.py)."""
    return SimulatorConfig(
        host="127.0.0.1", port=0, rate_limits=False, seed=1234, observer=spec_observer
    )


@pytest.fixture(scope="session")
def simulator(simulator_config: SimulatorConfig) -> Iterator[SimulatorServer]:
    """The shared simulator. State carries over between tests; use `sim` for a clean one."""
    with SimulatorServer(simulator_config) as server:
        yield server


@pytest.fixture
def sim(simulator: SimulatorServer) -> SimulatorServer:
    """The shared simulator, reset first (payments, tokens, idempotency, clock, faults)."""
    simulator.reset()
    return simulator


@pytest.fixture
def sales_unit() -> SalesUnit:
    return DEFAULT_SALES_UNIT


def get_token(base_url: str, unit: SalesUnit) -> str:
    response = requests.post(
        f"{base_url}/accesstoken/get",
        headers={
            "client_id": unit.client_id,
            "client_secret": unit.client_secret,
            "Ocp-Apim-Subscription-Key": unit.subscription_key,
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def make_auth_headers(
    base_url: str, unit: SalesUnit, idempotency_key: str | None = None
) -> dict[str, str]:
    """Headers for a raw ePayment call: a fresh token, subscription key, MSN (and a key)."""
    headers = {
        "Authorization": f"Bearer {get_token(base_url, unit)}",
        "Ocp-Apim-Subscription-Key": unit.subscription_key,
        "Merchant-Serial-Number": unit.merchant_serial_number,
    }
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    return headers


@pytest.fixture
def auth_headers(simulator: SimulatorServer) -> Callable[..., dict[str, str]]:
    """auth_headers(unit=None, idempotency_key=None) -> headers for raw `requests` calls."""

    def build(unit: SalesUnit | None = None, idempotency_key: str | None = None) -> dict[str, str]:
        return make_auth_headers(simulator.base_url, unit or DEFAULT_SALES_UNIT, idempotency_key)

    return build


def new_reference(prefix: str = "sim") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"
