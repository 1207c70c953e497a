"""Exchanges for the rule tests, with driven timestamps (no test sleeps)."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from lib.exchange import Exchange
from lib.integration.operations import operation_of, reference_of

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FULL_HEADERS = {
    "Authorization": "Bearer token",
    "Ocp-Apim-Subscription-Key": "key",
    "Merchant-Serial-Number": "123456",
    "Vipps-System-Name": "acme",
    "Vipps-System-Version": "3.1.2",
    "Vipps-System-Plugin-Name": "acme-webshop",
    "Vipps-System-Plugin-Version": "4.5.6",
}
PATHS = {
    "access_token": ("POST", "/accesstoken/get"),
    "create_payment": ("POST", "/epayment/v1/payments"),
    "get_payment": ("GET", "/epayment/v1/payments/{ref}"),
    "get_payment_event_log": ("GET", "/epayment/v1/payments/{ref}/events"),
    "capture_payment": ("POST", "/epayment/v1/payments/{ref}/capture"),
    "refund_payment": ("POST", "/epayment/v1/payments/{ref}/refund"),
    "cancel_payment": ("POST", "/epayment/v1/payments/{ref}/cancel"),
    "register_webhook": ("POST", "/webhooks/v1/webhooks"),
}
_ids = itertools.count(1)


def exchange(
    operation: str,
    at: float = 0.0,
    *,
    reference: str = "acme-order-1001",
    status: int | None = 200,
    body: Any = None,
    response: Any = None,
    headers: dict[str, str] | None = None,
    key: str | None = None,
    response_headers: dict[str, str] | None = None,
    **extra: Any,
) -> Exchange:
    """One exchange `at` seconds after T0; dict/list bodies become JSON text."""
    method, path = PATHS.get(operation, ("POST", "/x"))
    path = path.format(ref=reference)
    request_headers = dict(FULL_HEADERS if headers is None else headers)
    if key is not None:
        request_headers["Idempotency-Key"] = key
    text = body if isinstance(body, str) or body is None else json.dumps(body)
    answer = response if isinstance(response, str) or response is None else json.dumps(response)
    assert operation_of(method, path) == operation or operation not in PATHS
    return Exchange(
        method=method,
        url=f"http://127.0.0.1:1{path}",
        operation=operation,
        started_at=T0 + timedelta(seconds=at),
        request_headers=request_headers,
        request_body=text,
        status=status,
        response_headers=response_headers or {},
        response_body=answer,
        reference=reference_of(path) or (reference if operation == "create_payment" else None),
        idempotency_key=key,
        id=next(_ids),
        **extra,
    )


def payment(state: str, value: int = 1000, captured: int = 0) -> dict[str, Any]:
    def money(v: int) -> dict[str, Any]:
        return {"currency": "NOK", "value": v}

    return {
        "reference": "acme-order-1001",
        "state": state,
        "amount": money(value),
        "aggregate": {
            "authorizedAmount": money(value if state == "AUTHORIZED" else 0),
            "capturedAmount": money(captured),
            "refundedAmount": money(0),
            "cancelledAmount": money(0),
        },
    }


def problem(code: str, status: int = 400) -> dict[str, Any]:
    return {
        "type": f"https://httpstatuses.io/{status}",
        "title": "Refused",
        "status": status,
        "traceId": "00-1-2-01",
        "extraDetails": [{"name": "ErrorCode", "reason": code}],
    }


def create_body(reference: str = "acme-order-1001", value: int = 1000) -> dict[str, Any]:
    return {
        "amount": {"currency": "NOK", "value": value},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://shop.example/return",
    }


def amount(value: int) -> dict[str, Any]:
    return {"modificationAmount": {"currency": "NOK", "value": value}}
