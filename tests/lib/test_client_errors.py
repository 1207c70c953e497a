"""Each typed error, provoked on the simulator over real HTTP."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Callable
from typing import Any

import pytest

from lib.epayment import (
    AuthError,
    ConflictError,
    EPaymentClient,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from lib.settings import Settings

Make = Callable[..., EPaymentClient]


def new_payment(client: EPaymentClient, **kwargs: Any) -> str:
    result = client.create_payment(amount=1000, return_url="https://example.com/r", **kwargs)
    return str(result.reference)


def test_wrong_subscription_key_is_an_auth_error(make_client: Make, sim_settings: Settings) -> None:
    client = make_client(dataclasses.replace(sim_settings, subscription_key="wrong"))
    with pytest.raises(AuthError) as info:
        client.get_access_token()
    assert info.value.status == 401
    assert "subscription key" in str(info.value)
    assert "wrong" not in str(info.value)


def test_wrong_client_id_is_an_auth_error(make_client: Make, sim_settings: Settings) -> None:
    other = "00000000-0000-0000-0000-000000000000"
    client = make_client(dataclasses.replace(sim_settings, client_id=other))
    with pytest.raises(AuthError) as info:
        client.get_payment("epl-whatever-0001")  # the lazy token fetch fails first
    assert info.value.exchange is not None and info.value.exchange.operation == "access_token"
    assert sim_settings.client_secret not in str(info.value)


def test_capture_before_approval_is_6080(client: EPaymentClient) -> None:
    ref = new_payment(client)
    with pytest.raises(ValidationError) as info:
        client.capture_payment(ref, 500)
    err = info.value
    assert (err.status, err.error_code) == (400, "6080")
    assert err.trace_id and err.problem["title"]
    assert str(err).startswith("Capture refused (400, ErrorCode 6080")
    assert "approve" in str(err)


def test_schema_errors_name_the_field(client: EPaymentClient) -> None:
    with pytest.raises(ValidationError) as info:
        client.create_payment(amount=1000, reference="bad ref!", return_url="https://e.com/r")
    assert info.value.fields and info.value.error_code is None


def test_unknown_reference_is_not_found(client: EPaymentClient) -> None:
    with pytest.raises(NotFoundError) as info:
        client.get_payment("epl-does-not-exist-0001")
    assert info.value.status == 404


def test_reused_reference_is_a_conflict(client: EPaymentClient) -> None:
    ref = new_payment(client)
    with pytest.raises(ConflictError) as info:
        new_payment(client, reference=ref)  # a new Idempotency-Key on an existing reference
    assert info.value.status == 409


def test_rate_limit_is_rate_limited_error(make_client: Make, sink: Any) -> None:
    from simulator import SimulatorConfig, SimulatorServer

    with SimulatorServer(SimulatorConfig(port=0, rate_limits=True)) as server:
        settings = Settings.for_simulator(server.base_url, server.sales_units[0])
        client = make_client(settings, max_retries=1)
        ref = new_payment(client)
        with pytest.raises(RateLimitedError) as info:
            for _ in range(125):  # reads: 120 a minute per reference
                client.get_payment(ref)
    err = info.value
    assert err.status == 429
    assert err.retry_after is not None and "wait" in str(err)
    # The window frees up only in about a minute: longer than the client waits, so no retry.
    assert err.retry_after > 10
    assert [e.attempt for e in sink.of("get_payment") if e.status == 429] == [1]


def test_connection_refused_is_a_recorded_network_error(make_client: Make, sink: Any) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unit = {"client_id": "c", "client_secret": "s", "subscription_key": "k",
            "merchant_serial_number": "123456"}  # fmt: skip
    client = make_client(Settings.for_simulator(f"http://127.0.0.1:{port}", unit))
    with pytest.raises(NetworkError) as info:
        client.get_access_token()
    assert info.value.status is None and info.value.should_retry
    assert "Idempotency-Key" not in str(info.value)  # the token call carries no key
    attempts = sink.of("access_token")
    assert [e.attempt for e in attempts] == [1, 2, 3]  # the token POST is safe to retry
    assert all(e.status is None and e.error.startswith("ConnectionError") for e in attempts)
