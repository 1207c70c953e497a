"""Small helpers for the simulator's HTTP tests: bodies, paths and a raw API wrapper."""

from __future__ import annotations

import uuid
from typing import Any

import requests

from simulator import SalesUnit, SimulatorServer
from tests.conftest import make_auth_headers

PAYMENTS = "/epayment/v1/payments"


def new_reference(prefix: str = "sim") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def create_body(reference: str | None = None, value: int = 1000, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "amount": {"value": value, "currency": "NOK"},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference or new_reference(),
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://example.com/return",
        "paymentDescription": "Simulator test",
    }
    body.update(extra)
    return body


def money(value: int, currency: str = "NOK") -> dict[str, Any]:
    return {"modificationAmount": {"value": value, "currency": currency}}


class Api:
    """ePayment over raw requests against one simulator and sales unit, one token per instance."""

    def __init__(self, server: SimulatorServer, unit: SalesUnit | None = None) -> None:
        self.base = server.base_url
        self.unit = unit or server.sales_units[0]
        self.headers = make_auth_headers(self.base, self.unit)
        self.session = requests.Session()

    def call(
        self, method: str, path: str, key: str | None = "auto", **kwargs: Any
    ) -> requests.Response:
        headers = dict(self.headers)
        if key is not None:
            headers["Idempotency-Key"] = uuid.uuid4().hex if key == "auto" else key
        headers.update(kwargs.pop("headers", {}))
        return self.session.request(method, self.base + path, headers=headers, timeout=10, **kwargs)

    def create(
        self, body: dict[str, Any] | None = None, key: str | None = "auto"
    ) -> requests.Response:
        return self.call("POST", PAYMENTS, key, json=body or create_body())

    def get(self, reference: str) -> requests.Response:
        return self.call("GET", f"{PAYMENTS}/{reference}", None)

    def events(self, reference: str) -> requests.Response:
        return self.call("GET", f"{PAYMENTS}/{reference}/events", None)

    def approve(self, reference: str, body: Any = None) -> requests.Response:
        return self.call("POST", f"/epayment/v1/test/payments/{reference}/approve", None, json=body)

    def capture(self, reference: str, value: int, key: str | None = "auto") -> requests.Response:
        return self.call("POST", f"{PAYMENTS}/{reference}/capture", key, json=money(value))

    def refund(self, reference: str, value: int, key: str | None = "auto") -> requests.Response:
        return self.call("POST", f"{PAYMENTS}/{reference}/refund", key, json=money(value))

    def cancel(self, reference: str, body: Any = None, key: str | None = None) -> requests.Response:
        return self.call("POST", f"{PAYMENTS}/{reference}/cancel", key, json=body)

    def authorized(self, value: int = 1000) -> str:
        body = create_body(value=value)
        assert self.create(body).status_code == 201
        assert self.approve(body["reference"]).status_code == 200
        return body["reference"]
