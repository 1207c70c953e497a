"""Token caching and refresh, and idempotent retries under injected faults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lib.epayment import AuthError, EPaymentClient, ServerError
from lib.settings import Settings


def authorized_payment(client: EPaymentClient, amount: int = 1000) -> str:
    ref = str(client.create_payment(amount=amount, return_url="https://e.com/r").reference)
    client.force_approve(ref, phone_number="4712345678")
    return ref


def test_one_token_call_for_many_operations(client: EPaymentClient, sink: Any) -> None:
    ref = authorized_payment(client)
    for _ in range(3):
        client.get_payment(ref)
    client.capture_payment(ref, 100)
    assert len(sink.of("access_token")) == 1
    assert sink.exchanges[0].operation == "access_token"  # fetched lazily, before the first call


def test_expired_token_is_refreshed_once_and_the_call_retried(
    client: EPaymentClient, sink: Any, control: Callable[..., Any]
) -> None:
    ref = authorized_payment(client)
    control("POST", "/_sim/clock/advance", {"seconds": 3700})  # past the 3600 s token lifetime
    result = client.get_payment(ref)
    assert result.status == 200
    gets = sink.of("get_payment")
    assert [e.status for e in gets] == [401, 200] and [e.attempt for e in gets] == [1, 2]
    assert len(sink.of("access_token")) == 2
    assert gets[0].request_headers["Authorization"] != gets[1].request_headers["Authorization"]


@pytest.mark.parametrize(
    "fault",
    [
        {"operation": "capture_payment", "kind": "status", "status": 503, "count": 1},
        {"operation": "capture_payment", "kind": "drop_after", "count": 1},
    ],
    ids=["503-once", "drop-after-processing"],
)
def test_capture_retry_reuses_the_key_and_captures_once(
    client: EPaymentClient, sink: Any, control: Callable[..., Any], fault: dict[str, Any]
) -> None:
    ref = authorized_payment(client)
    control("POST", "/_sim/faults", fault)
    result = client.capture_payment(ref, 300)
    assert result.status == 200
    attempts = sink.of("capture_payment")
    assert [e.attempt for e in attempts] == [1, 2]
    assert attempts[0].status in (503, None) and attempts[1].status == 200
    keys = {e.request_headers["Idempotency-Key"] for e in attempts}
    assert keys == {result.idempotency_key}
    assert attempts[0].request_body == attempts[1].request_body
    payment = client.get_payment(ref).data
    assert payment["aggregate"]["capturedAmount"]["value"] == 300
    events = client.get_payment_event_log(ref).data
    assert [e["name"] for e in events].count("CAPTURED") == 1


def test_persistent_server_errors_give_up_after_max_retries(
    make_client: Callable[..., EPaymentClient], sink: Any, control: Callable[..., Any]
) -> None:
    client = make_client(max_retries=1)
    ref = authorized_payment(client)
    control("POST", "/_sim/faults", {"operation": "capture_payment", "kind": "status",
                                      "status": 500, "count": 5})  # fmt: skip
    with pytest.raises(ServerError) as info:
        client.capture_payment(ref, 100)
    assert info.value.status == 500 and info.value.exchange.attempt == 2
    control("DELETE", "/_sim/faults")


def test_force_approve_without_key_is_not_retried(
    client: EPaymentClient, sink: Any, control: Callable[..., Any]
) -> None:
    ref = str(client.create_payment(amount=1000, return_url="https://e.com/r").reference)
    control("POST", "/_sim/faults", {"operation": "force_approve", "kind": "status", "count": 1})
    with pytest.raises(ServerError):
        client.force_approve(ref)
    assert len(sink.of("force_approve")) == 1


def test_sim_settings_fixture_uses_the_default_sales_unit(sim_settings: Settings) -> None:
    assert sim_settings.target == "simulator" and sim_settings.merchant_serial_number


def test_read_timeout_is_recorded_and_retried(
    make_client: Callable[..., EPaymentClient], sink: Any, control: Callable[..., Any]
) -> None:
    client = make_client(timeout=(3.05, 0.3))
    ref = str(client.create_payment(amount=1000, return_url="https://e.com/r").reference)
    control("POST", "/_sim/faults", {"operation": "get_payment", "kind": "delay", "seconds": 2})
    assert client.get_payment(ref).status == 200
    gets = sink.of("get_payment")
    assert [e.attempt for e in gets] == [1, 2]
    assert gets[0].status is None and gets[0].error.startswith("ReadTimeout")


def test_a_second_401_after_refreshing_is_an_auth_error_not_a_loop(
    client: EPaymentClient, sink: Any, control: Callable[..., Any]
) -> None:
    ref = str(client.create_payment(amount=1000, return_url="https://e.com/r").reference)
    control("POST", "/_sim/faults", {"operation": "get_payment", "kind": "status",
                                      "status": 401, "count": 2})  # fmt: skip
    with pytest.raises(AuthError):
        client.get_payment(ref)
    assert [e.status for e in sink.of("get_payment")] == [401, 401]
    assert len(sink.of("access_token")) == 2  # the lazy one, and exactly one refresh


def test_a_short_rate_limit_is_retried(
    client: EPaymentClient, sink: Any, control: Callable[..., Any]
) -> None:
    ref = str(client.create_payment(amount=1000, return_url="https://e.com/r").reference)
    control("POST", "/_sim/faults", {"operation": "get_payment", "kind": "status",
                                      "status": 429, "count": 1})  # fmt: skip
    assert client.get_payment(ref).status == 200
    assert [e.status for e in sink.of("get_payment")] == [429, 200]
