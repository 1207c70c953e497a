"""The quick start end to end against the simulator over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lib.epayment import EPaymentClient, PaymentState, ProductionGuardError, to_minor
from lib.settings import Settings

SYSTEM_HEADERS = (
    "Vipps-System-Name",
    "Vipps-System-Version",
    "Vipps-System-Plugin-Name",
    "Vipps-System-Plugin-Version",
)


def create(client: EPaymentClient, amount: str = "10.00") -> str:
    result = client.create_payment(
        amount=to_minor(amount),
        currency="NOK",
        user_flow="WEB_REDIRECT",
        return_url="https://example.com/return",
        phone_number="4712345678",
        description="Quick start",
    )
    assert result.status == 201 and result.data["reference"] == result.reference
    return str(result.reference)


def test_whole_quick_start(client: EPaymentClient, sink: Any) -> None:
    token = client.get_access_token()
    assert token.status == 200 and token.data["token_type"] == "Bearer"

    created = client.create_payment(
        amount=1000, return_url="https://example.com/r", description="Quick start"
    )
    ref = str(created.reference)
    assert created.data["redirectUrl"].startswith("http")
    assert created.idempotency_key
    assert created.exchange.request_headers["Idempotency-Key"] == created.idempotency_key

    approved = client.force_approve(ref, phone_number="4712345678")
    assert approved.status == 200 and approved.data is None
    assert (
        client.wait_for_state(ref, {"AUTHORIZED"}, 5, first_delay=0).state
        is PaymentState.AUTHORIZED
    )

    captured = client.capture_payment(ref, 400)
    assert captured.data["aggregate"]["capturedAmount"] == {"currency": "NOK", "value": 400}
    refunded = client.refund_payment(ref, 150)
    assert refunded.data["aggregate"]["refundedAmount"]["value"] == 150
    cancelled = client.cancel_payment(ref)
    assert cancelled.data["state"] == "AUTHORIZED"  # state stays; the remainder is released
    assert cancelled.data["aggregate"]["cancelledAmount"]["value"] == 600

    events = client.get_payment_event_log(ref).data
    names = [e["name"] for e in events]
    assert names == ["CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED", "CANCELLED"]
    capture_event = next(e for e in events if e["name"] == "CAPTURED")
    assert capture_event["idempotencyKey"] == captured.idempotency_key

    # One token call for the whole flow: the explicit one; the rest reused the cache.
    assert len(sink.of("access_token")) == 1
    assert all(e.attempt == 1 and e.target == "simulator" for e in sink.exchanges)
    assert {e.reference for e in sink.exchanges if e.operation != "access_token"} == {ref}


def test_every_request_carries_the_quick_start_headers(
    client: EPaymentClient, sink: Any, sim_settings: Settings
) -> None:
    ref = create(client)
    client.get_payment(ref)
    client.cancel_payment(ref)
    for exchange in sink.exchanges:
        headers = exchange.request_headers
        assert headers["Ocp-Apim-Subscription-Key"] == sim_settings.subscription_key
        assert headers["Merchant-Serial-Number"] == sim_settings.merchant_serial_number
        assert all(headers[h] for h in SYSTEM_HEADERS)
        assert headers["User-Agent"].startswith("epayment-lab/")
        if exchange.operation != "access_token":
            assert headers["Authorization"].startswith("Bearer ")
        if exchange.request_body is not None:
            assert headers["Content-Type"] == "application/json"
        assert ("Idempotency-Key" in headers) == (
            exchange.method == "POST" and exchange.operation != "access_token"
        )
    token_headers = sink.of("access_token")[0].request_headers
    assert token_headers["client_id"] == sim_settings.client_id
    assert (
        sim_settings.client_secret in sink.secrets and sim_settings.subscription_key in sink.secrets
    )
    assert any(len(s) > 20 and s not in sim_settings.secrets for s in sink.secrets)  # the token


def test_given_idempotency_key_and_body_are_used(client: EPaymentClient) -> None:
    body = {
        "amount": {"currency": "NOK", "value": 2500},
        "paymentMethod": {"type": "WALLET"},
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://example.com/r",
        "reference": "epl-body-test-0001",
    }
    result = client.create_payment(body=body, idempotency_key="my-key-1", metadata={"order": "7"})
    assert result.idempotency_key == "my-key-1" and result.reference == "epl-body-test-0001"
    assert '"metadata": {"order": "7"}' in str(result.exchange.request_body)
    assert client.get_payment(result.reference).data["metadata"] == {"order": "7"}


def test_user_approval_through_the_control_plane_and_state_polling(
    client: EPaymentClient, control: Callable[..., Any], sim_settings: Settings
) -> None:
    ref = create(client)
    control("POST", f"/_sim/payments/{sim_settings.merchant_serial_number}/{ref}/approve")
    result = client.wait_for_state(ref, [PaymentState.AUTHORIZED], 5, interval=0.01, first_delay=0)
    assert result.state is PaymentState.AUTHORIZED


def test_wait_for_state_returns_a_final_state_it_cannot_leave(
    client: EPaymentClient, control: Callable[..., Any], sim_settings: Settings
) -> None:
    ref = create(client)
    control("POST", f"/_sim/payments/{sim_settings.merchant_serial_number}/{ref}/reject")
    result = client.wait_for_state(ref, {"AUTHORIZED"}, 5, interval=0.01, first_delay=0)
    assert result.state is PaymentState.ABORTED


def test_cancel_before_approval_terminates(client: EPaymentClient) -> None:
    ref = create(client)
    assert client.cancel_payment(ref).data["state"] == "TERMINATED"


def test_production_writes_need_an_explicit_opt_in(sink: Any) -> None:
    keys = {
        "client_id": "7c1b6a52-3f0e-4d9a-8b21-5e6f7a8b9c01",
        "client_secret": "s",
        "subscription_key": "k",
        "merchant_serial_number": "123456",
    }
    prod = EPaymentClient(Settings(target="production", **keys), recorder=sink)
    for call in (
        lambda: prod.capture_payment("epl-ref-0001", 100, currency="NOK"),
        lambda: prod.refund_payment("epl-ref-0001", 100, currency="NOK"),
        lambda: prod.cancel_payment("epl-ref-0001"),
        lambda: prod.force_approve("epl-ref-0001"),
    ):
        with pytest.raises(ProductionGuardError, match="production"):
            call()
    assert sink.exchanges == []  # refused before anything was sent
    opted_in = Settings(target="production", allow_production_writes=True, **keys)
    with pytest.raises(ProductionGuardError):
        EPaymentClient(opted_in).force_approve("epl-ref-0001")  # never in production


def test_results_carry_the_recorders_redacted_copy(
    make_client: Callable[..., EPaymentClient], sim_settings: Settings, tmp_path: Any
) -> None:
    from lib.recorder import Recorder

    with Recorder.open(str(tmp_path / "evidence.sqlite"), run_label="client") as recorder:
        client = make_client(recorder=recorder)
        token = client.get_access_token()
        created = client.create_payment(amount=1000, return_url="https://example.com/r")
        access_token = token.data["access_token"]  # the caller still gets the real token
        for exchange in (token.exchange, created.exchange):
            text = repr(exchange)
            assert exchange.id is not None  # the stored copy
            for secret in (*sim_settings.secrets, access_token):
                assert secret not in text
        assert len(recorder.to_dataframe()) == 2
