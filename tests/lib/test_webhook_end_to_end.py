"""Webhooks end to end over real HTTP: client registers the receiver, the simulator delivers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lib.epayment import EPaymentClient, ValidationError
from lib.recorder import EXPORT_FORMATS, Recorder, export_bytes
from lib.webhooks import (
    OPERATION,
    Outcome,
    WebhookReceiver,
    register_receiver,
    unregister_receiver,
)

WAIT = 20.0  # a bound on waiting for deliveries (a failure if exceeded), not a timing assertion
WALK = ["CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED", "CANCELLED"]


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[Recorder]:
    with Recorder.open(tmp_path / "evidence.sqlite", run_label="webhooks e2e") as rec:
        yield rec


@pytest.fixture
def wclient(make_client: Callable[..., EPaymentClient], recorder: Recorder) -> EPaymentClient:
    return make_client(recorder=recorder)


@pytest.fixture
def receiver(recorder: Recorder) -> Iterator[WebhookReceiver]:
    with WebhookReceiver(recorder=recorder) as rec:
        yield rec


def create(client: EPaymentClient) -> str:
    result = client.create_payment(
        amount=1000, return_url="https://example.com/return", phone_number="4712345678"
    )
    return str(result.reference)


def walk(client: EPaymentClient, control: Callable[..., Any], msn: str) -> str:
    """create -> user approves -> capture 600 -> refund 200 -> cancel the remaining 400."""
    ref = create(client)
    control("POST", f"/_sim/payments/{msn}/{ref}/approve")
    client.capture_payment(ref, 600)
    client.refund_payment(ref, 200)
    client.cancel_payment(ref)
    return ref


def test_register_list_delete(wclient: EPaymentClient, recorder: Recorder) -> None:
    url = "http://127.0.0.1:9/webhooks/epayment"
    registered = wclient.register_webhook(url, ["epayments.payment.captured.v1"])
    assert registered.status == 201
    secret, webhook_id = registered.data["secret"], registered.data["id"]
    listed = wclient.list_webhooks()
    assert {"id": webhook_id, "url": url, "events": ["epayments.payment.captured.v1"]} in (
        listed.data["webhooks"]
    )
    assert "secret" not in json.dumps(listed.data)
    assert wclient.delete_webhook(webhook_id).status == 204
    assert webhook_id not in {w["id"] for w in wclient.list_webhooks().data["webhooks"]}
    operations = [e.operation for e in recorder.exchanges()]
    assert operations[-4:] == [
        "register_webhook",
        "get_registered_webhooks",
        "delete_webhook",
        "get_registered_webhooks",
    ]
    assert all(secret.encode() not in export_bytes(recorder.exchanges(), f) for f in EXPORT_FORMATS)


def test_register__bad_input_is_a_validation_error_naming_the_field(
    wclient: EPaymentClient,
) -> None:
    with pytest.raises(ValidationError) as caught:
        wclient.register_webhook("http://127.0.0.1:9/hook", ["epayments.payment.nonsense.v1"])
    assert caught.value.status == 400 and "events" in str(caught.value).lower()


def test_walk_a_payment__every_event_verified_in_order(
    wclient: EPaymentClient,
    receiver: WebhookReceiver,
    recorder: Recorder,
    control: Callable[..., Any],
    sim_settings: Any,
) -> None:
    registration = register_receiver(wclient, receiver)
    ref = walk(wclient, control, sim_settings.merchant_serial_number)
    events = receiver.wait_for_events(ref, WALK, timeout=WAIT)
    assert [e.name for e in events] == WALK
    assert {e.registration_id for e in events} == {registration.id}
    deliveries = receiver.deliveries(ref)
    assert all(d.outcome is Outcome.VERIFIED and d.status == 200 for d in deliveries)
    assert not any(d.duplicate for d in deliveries)
    evidence = recorder.exchanges(reference=ref, operation=OPERATION)
    assert [json.loads(e.request_body or "")["name"] for e in evidence] == WALK
    assert {e.status for e in evidence} == {200}
    for fmt in EXPORT_FORMATS:
        assert registration.secret.encode() not in export_bytes(recorder.exchanges(), fmt), fmt
    unregister_receiver(wclient, receiver, str(registration.id))
    assert receiver.registrations == []


def test_receiver_failing_first__gets_the_retry_with_the_same_body(
    wclient: EPaymentClient,
    recorder: Recorder,
    control: Callable[..., Any],
    sim: Any,
    sim_settings: Any,
) -> None:
    # 2 s -> 2 ms, through the control plane so the delivery worker sees it (reset restores it).
    control("POST", "/_sim/webhooks/settings", {"retryScale": 0.001})
    with WebhookReceiver(recorder=recorder, fail_first=2) as receiver:
        register_receiver(wclient, receiver, ["epayments.payment.created.v1"])
        ref = create(wclient)
        [event] = receiver.wait_for_events(ref, ["CREATED"], timeout=WAIT)
        deliveries = receiver.deliveries(ref)
    assert [d.status for d in deliveries] == [500, 500, 200]
    assert len({d.body for d in deliveries}) == 1  # every attempt carried the same bytes
    assert all(d.outcome is Outcome.VERIFIED for d in deliveries)
    assert [e.status for e in recorder.exchanges(reference=ref, operation=OPERATION)] == [
        500,
        500,
        200,
    ]
    assert event.name == "CREATED"


def test_burst__1000_events_across_200_payments_none_lost_or_doubled(
    wclient: EPaymentClient,
    recorder: Recorder,
    control: Callable[..., Any],
    sim: Any,
    sim_settings: Any,
) -> None:
    # Driven through the backend (no HTTP for the API side) so the burst is quick; the deliveries
    # still go over real HTTP. Some first attempts fail, so retries interleave with the burst.
    control("POST", "/_sim/webhooks/settings", {"retryScale": 0.001})
    msn, backend = sim_settings.merchant_serial_number, sim.backend
    with WebhookReceiver(recorder=recorder, fail_first=25) as receiver:
        register_receiver(wclient, receiver)
        refs = [f"burst-{i:04d}" for i in range(200)]
        for i, ref in enumerate(refs):
            backend.create_payment(msn, payment_body(ref), f"create-{i}")
            backend.approve(msn, ref)
            backend.capture_payment(msn, ref, modification(600), f"capture-{i}")
            backend.refund_payment(msn, ref, modification(200), f"refund-{i}")
            backend.cancel_payment(msn, ref)
        every = receiver.inbox.wait_until(lambda: len(receiver.events()) >= 1000, timeout=60)
        assert every, f"{len(receiver.events())} of 1000 events arrived"
        events, deliveries = receiver.events(), receiver.deliveries()
    assert len(events) == 1000
    assert len({(e.psp_reference, e.name) for e in events}) == 1000
    for ref in refs:
        assert [e.name for e in events if e.reference == ref] == WALK, ref
    assert all(d.outcome is Outcome.VERIFIED for d in deliveries)
    assert len(deliveries) == 1000 + 25  # the refused first attempts, then each once
    assert len(recorder.exchanges(operation=OPERATION)) == len(deliveries)


def payment_body(reference: str) -> dict[str, Any]:
    return {
        "amount": {"currency": "NOK", "value": 1000},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://example.com/return",
        "customer": {"phoneNumber": "4712345678"},
    }


def modification(value: int) -> dict[str, Any]:
    return {"modificationAmount": {"currency": "NOK", "value": value}}
