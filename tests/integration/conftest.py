"""Fixtures: a store per test, sessions on the simulator target, and a TLS upstream simulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lib.integration.session import IntegrationSession
from lib.integration.traffic import Thresholds
from lib.recorder import SqliteStore
from simulator import SimulatorConfig, SimulatorServer
from tests.integration.tls import Certificates, TlsFront, make_certificates

SCALE = 0.1  # the shops and the rules both run the polling guidelines ten times faster
THRESHOLDS = Thresholds().scaled(SCALE)


def quick_simulator() -> SimulatorConfig:
    # Webhook retries 100x sooner; everything else as the CLI serves it.
    return SimulatorConfig(webhook_retry_scale=0.01, webhook_timeout_seconds=2.0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "evidence.sqlite")
    yield store
    store.close()


@pytest.fixture
def sim_session(store: SqliteStore) -> Iterator[Callable[..., IntegrationSession]]:
    """sim_session(**options): a started session on the simulator target, stopped at the end."""
    started: list[IntegrationSession] = []

    def start(**options: object) -> IntegrationSession:
        options = {
            "thresholds": THRESHOLDS,
            "simulator_config": quick_simulator(),
            "probe_delay": 0.05,
            **options,
        }
        session = IntegrationSession("simulator", store=store, **options).start()  # type: ignore[arg-type]
        started.append(session)
        return session

    yield start
    for session in started:
        session.stop()


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def tls_upstream(certificates: Certificates) -> Iterator[tuple[SimulatorServer, TlsFront]]:
    """A second simulator, reached over HTTPS with a throwaway certificate."""
    with (
        SimulatorServer(quick_simulator()) as upstream,
        TlsFront(certificates, upstream.port or 0) as front,
    ):
        yield upstream, front


@pytest.fixture
def proxy_session(
    store: SqliteStore, certificates: Certificates, tls_upstream: tuple[SimulatorServer, TlsFront]
) -> Iterator[IntegrationSession]:
    """A started session whose proxy forwards to the TLS upstream (its CA trusted by file)."""
    upstream, front = tls_upstream
    upstream.reset()
    session = IntegrationSession(
        front.base_url, store=store, thresholds=THRESHOLDS, ca_file=str(certificates.ca_file)
    ).start()
    yield session
    session.stop()
