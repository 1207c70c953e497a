"""Contract-test fixtures: a simulator, the spec validator, the ePayment API over raw requests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.spec_observer import format_violations, from_requests
from tests.spec_validator import SpecValidator, load_or_skip

AUTO = "auto"  # sentinel: generate a fresh Idempotency-Key


def new_reference(prefix: str = "contract") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


def money(value: int, currency: str = "NOK") -> dict[str, Any]:
    return {"currency": currency, "value": value}


class RawApi:
    """ePayment over plain `requests`, as a client written from the spec alone would call it.

    Every exchange is validated against the spec as it happens: the response always, the request
    too unless `check_request=False` (for requests that are malformed on purpose).
    """

    def __init__(self, base_url: str, unit: Any, validator: SpecValidator) -> None:
        self.base_url = base_url
        self.unit = unit
        self.validator = validator
        self.session = requests.Session()
        self._token: str | None = None
        self.exchanges = 0

    def send(
        self, method: str, path: str, *, check_request: bool = True, **kwargs: Any
    ) -> requests.Response:
        response = self.session.request(method, self.base_url + path, timeout=10, **kwargs)
        self.exchanges += 1
        violations = self.validator.validate(from_requests(response), check_request=check_request)
        assert not violations, format_violations(violations)
        return response

    def token(self, **header_overrides: str) -> requests.Response:
        headers = {
            "client_id": self.unit.client_id,
            "client_secret": self.unit.client_secret,
            "Ocp-Apim-Subscription-Key": self.unit.subscription_key,
            "Merchant-Serial-Number": self.unit.merchant_serial_number,
            **header_overrides,
        }
        return self.send("POST", "/accesstoken/get", headers=headers, data=b"")

    def access_token(self) -> str:
        if self._token is None:
            response = self.token()
            assert response.status_code == 200, response.text
            self._token = response.json()["access_token"]
        return self._token

    def headers(self, idempotency_key: str | None = AUTO, **overrides: str) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.access_token()}",
            "Ocp-Apim-Subscription-Key": self.unit.subscription_key,
            "Merchant-Serial-Number": self.unit.merchant_serial_number,
            "Vipps-System-Name": "epaymentlab",
            "Vipps-System-Version": "0.1.0",
            "Vipps-System-Plugin-Name": "contract-tests",
            "Vipps-System-Plugin-Version": "0.1.0",
        }
        if idempotency_key is not None:
            headers["Idempotency-Key"] = (
                uuid.uuid4().hex if idempotency_key == AUTO else idempotency_key
            )
        headers.update(overrides)
        return headers

    def create(
        self,
        reference: str | None = None,
        *,
        flow: str = "WEB_REDIRECT",
        value: int = 1000,
        key: str = AUTO,
        **extra: Any,
    ) -> requests.Response:
        body: dict[str, Any] = {
            "amount": money(value),
            "paymentMethod": {"type": "WALLET"},
            "reference": reference or new_reference(),
            "userFlow": flow,
            "paymentDescription": "Contract test",
        }
        if flow in ("WEB_REDIRECT", "NATIVE_REDIRECT"):
            body["returnUrl"] = "https://example.com/return"
        if flow == "PUSH_MESSAGE":
            body["customer"] = {"phoneNumber": "4712345678"}
        body.update(extra)
        return self.send("POST", "/epayment/v1/payments", headers=self.headers(key), json=body)

    def get(self, reference: str, **overrides: str) -> requests.Response:
        headers = self.headers(None, **overrides)
        return self.send("GET", f"/epayment/v1/payments/{reference}", headers=headers)

    def events(self, reference: str) -> requests.Response:
        path = f"/epayment/v1/payments/{reference}/events"
        return self.send("GET", path, headers=self.headers(None))

    def approve(self, reference: str) -> requests.Response:
        path = f"/epayment/v1/test/payments/{reference}/approve"
        body = {"customer": {"phoneNumber": "4712345678"}}
        return self.send("POST", path, headers=self.headers(None), json=body)

    def capture(self, reference: str, value: int, key: str = AUTO) -> requests.Response:
        path = f"/epayment/v1/payments/{reference}/capture"
        body = {"modificationAmount": money(value)}
        return self.send("POST", path, headers=self.headers(key), json=body)

    def refund(self, reference: str, value: int, key: str = AUTO) -> requests.Response:
        path = f"/epayment/v1/payments/{reference}/refund"
        body = {"modificationAmount": money(value)}
        return self.send("POST", path, headers=self.headers(key), json=body)

    def cancel(self, reference: str) -> requests.Response:
        path = f"/epayment/v1/payments/{reference}/cancel"
        return self.send("POST", path, headers=self.headers())

    def authorized(self, value: int = 1000) -> str:
        """A fresh payment, force-approved: the starting point of the money-moving tests."""
        created = self.create(value=value)
        assert created.status_code == 201, created.text
        reference = created.json()["reference"]
        assert self.approve(reference).status_code == 200
        return reference


@pytest.fixture(scope="module")
def validator() -> SpecValidator:
    return load_or_skip()


@pytest.fixture(scope="module")
def contract_sim() -> Iterator[Any]:
    from simulator import SimulatorConfig, SimulatorServer

    # Rate limits off: these tests make many calls per reference on purpose.
    with SimulatorServer(SimulatorConfig(port=0, rate_limits=False)) as sim:
        yield sim


@pytest.fixture(scope="module")
def api(contract_sim: Any, validator: SpecValidator) -> RawApi:
    return RawApi(contract_sim.base_url, contract_sim.sales_units[0], validator)
