"""Every request the client sends in the quick start is valid against the official specs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from lib.epayment import EPaymentClient
from lib.exchange import Exchange
from tests.spec_validator import HttpExchange, load_or_skip


def wire(exchange: Exchange) -> HttpExchange:
    assert exchange.status is not None
    body = exchange.request_body
    return HttpExchange(
        method=exchange.method,
        path=urlsplit(exchange.url).path,
        status=exchange.status,
        request_headers=exchange.request_headers,
        request_body=body.encode() if body is not None else None,
        response_headers=exchange.response_headers,
        response_body=(exchange.response_body or "").encode() or None,
    )


@pytest.mark.spec
def test_quick_start_requests_and_responses_follow_the_specs(
    client: EPaymentClient, sink: Any
) -> None:
    validator = load_or_skip()
    client.get_access_token()
    ref = str(
        client.create_payment(
            amount=1000,
            return_url="https://example.com/return",
            phone_number="4712345678",
            description="Quick start",
        ).reference
    )
    client.force_approve(ref, phone_number="4712345678")
    client.get_payment(ref)
    client.get_payment_event_log(ref)
    client.capture_payment(ref, 500)
    client.refund_payment(ref, 200)
    client.cancel_payment(ref)
    assert len(sink.exchanges) == 8
    problems = [p for e in sink.exchanges for p in validator.validate(wire(e), check_request=True)]
    assert problems == []
