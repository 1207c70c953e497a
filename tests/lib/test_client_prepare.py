"""Prepared calls: the preview is built by the code that sends, so it equals what is sent."""

from __future__ import annotations

import json
from typing import Any

from lib.epayment import EPaymentClient


def test_preview__equals_the_first_attempt_sent(client: EPaymentClient, sink: Any) -> None:
    call = client.prepare_create_payment(amount=1000, return_url="https://example.com/r")
    preview = client.preview(call)
    assert sink.of("create_payment") == []  # nothing sent by a preview
    sent = client.send(call).exchange
    assert (preview.method, preview.url, preview.request_body) == (
        sent.method,
        sent.url,
        sent.request_body,
    )
    assert preview.request_headers["Idempotency-Key"] == sent.request_headers["Idempotency-Key"]
    same = {k for k in sent.request_headers if k not in ("Authorization",)}
    assert {k: preview.request_headers[k] for k in same if k != "Ocp-Apim-Subscription-Key"} == {
        k: sent.request_headers[k] for k in same if k != "Ocp-Apim-Subscription-Key"
    }


def test_preview__never_shows_a_secret(client: EPaymentClient) -> None:
    s = client.settings
    for call in (
        client.prepare_access_token(),
        client.prepare_get_payment("ref-123456"),
        client.prepare_capture_payment("ref-123456", 100, currency="NOK"),
    ):
        text = json.dumps(client.preview(call).to_dict(), default=str)
        assert s.client_secret not in text and s.subscription_key not in text
    token_preview = client.preview(client.prepare_access_token())
    assert token_preview.request_headers["client_secret"] == "<client_secret>"
    assert "Authorization" not in token_preview.request_headers
    get_preview = client.preview(client.prepare_get_payment("ref-123456"))
    assert get_preview.request_headers["Authorization"] == "Bearer <access_token>"
    assert get_preview.request_headers["Ocp-Apim-Subscription-Key"] == "<subscription_key>"


def test_preview__fetches_no_token(client: EPaymentClient, sink: Any) -> None:
    client.preview(client.prepare_get_payment("ref-123456"))
    assert sink.exchanges == []


def test_get_payment__typed_payment_and_events(client: EPaymentClient) -> None:
    ref = str(client.create_payment(amount=1000, return_url="https://example.com/r").reference)
    client.force_approve(ref, phone_number="4712345678")
    client.capture_payment(ref, 400)
    payment = client.get_payment(ref).payment
    assert payment is not None and payment.reference == ref
    assert payment.aggregate.captured.value == 400 and payment.aggregate.capturable.value == 600
    assert str(payment.aggregate.refundable) == "NOK 4.00"
    names = [e.name for e in client.get_payment_event_log(ref).events]
    assert [str(n) for n in names] == ["CREATED", "AUTHORIZED", "CAPTURED"]
