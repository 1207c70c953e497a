"""Fixtures for lib tests: a list-backed sink and clients aimed at the root `sim` fixture."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from lib.epayment import EPaymentClient
from lib.exchange import Exchange
from lib.settings import Settings


class ListSink:
    """The smallest recorder: keeps exchanges in a list and remembers registered secrets."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.secrets: list[str] = []

    def record(self, exchange: Exchange) -> Exchange:
        self.exchanges.append(exchange)
        return exchange

    def add_secret(self, value: str) -> None:
        self.secrets.append(value)

    def of(self, operation: str) -> list[Exchange]:
        return [e for e in self.exchanges if e.operation == operation]


@pytest.fixture
def sink() -> ListSink:
    return ListSink()


@pytest.fixture
def sim_settings(sim: Any) -> Settings:
    """Settings for the shared simulator, reset for this test (clock, faults, payments)."""
    return Settings.for_simulator(sim.base_url, sim.sales_units[0])


@pytest.fixture
def make_client(sim_settings: Settings, sink: ListSink) -> Callable[..., EPaymentClient]:
    """Build a client on the simulator; retries wait 0 s so tests stay fast."""

    def make(settings: Settings | None = None, **kwargs: Any) -> EPaymentClient:
        kwargs.setdefault("recorder", sink)
        kwargs.setdefault("backoff", lambda attempt, retry_after: 0.0)
        return EPaymentClient(settings or sim_settings, **kwargs)

    return make


@pytest.fixture
def client(make_client: Callable[..., EPaymentClient]) -> EPaymentClient:
    return make_client()


@pytest.fixture
def control(sim: Any) -> Callable[..., Any]:
    """Call the simulator's control plane (/_sim/...) and return its JSON."""

    def call(method: str, path: str, body: Any = None) -> Any:
        response = requests.request(method, sim.base_url + path, json=body, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    return call
