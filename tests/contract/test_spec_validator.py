"""The spec validator catches what it should: hand-built exchanges, no simulator involved."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests

from tests.spec_observer import SpecObserver, format_violations
from tests.spec_validator import (
    HttpExchange,
    SpecsMissing,
    SpecValidator,
    load_or_skip,
    missing_message,
)

pytestmark = pytest.mark.spec

API = {
    "Authorization": "Bearer token",
    "Ocp-Apim-Subscription-Key": "0123456789abcdef",
    "Merchant-Serial-Number": "123456",
    "Idempotency-Key": "key-1",
    "Content-Type": "application/json",
}
JSON = {"Content-Type": "application/json; charset=utf-8"}
PROBLEM = {"Content-Type": "application/problem+json"}
REF = "acme-shop-123-order1"


def money(value: int) -> dict[str, Any]:
    return {"currency": "NOK", "value": value}


def modification(state: str = "AUTHORIZED") -> dict[str, Any]:
    names = ("authorizedAmount", "cancelledAmount", "capturedAmount", "refundedAmount")
    return {
        "amount": money(1000),
        "state": state,
        "aggregate": {name: money(0) for name in names},
        "pspReference": "83b3fdb0-9547-4ec5-bdb7-5600ce70e792",
        "reference": REF,
    }


def problem(status: int) -> bytes:
    body = {
        "type": f"https://httpstatuses.io/{status}",
        "title": "Not Found",
        "status": status,
        "detail": "The reference does not exist",
        "traceId": "00-6614b5c7ea5c404b17e45c3a398c4754-5ca6de688e27022d-01",
    }
    return json.dumps(body).encode()


def exchange(method: str, path: str, status: int, **kwargs: Any) -> HttpExchange:
    kwargs.setdefault("request_headers", API)
    for key in ("request_body", "response_body"):
        if isinstance(kwargs.get(key), dict | list):
            kwargs[key] = json.dumps(kwargs[key]).encode()
    return HttpExchange(method, path, status, **kwargs)


CREATE = {
    "amount": money(1000),
    "paymentMethod": {"type": "WALLET"},
    "reference": REF,
    "userFlow": "WEB_REDIRECT",
    "returnUrl": "https://example.com/return",
    "customer": {"phoneNumber": "4712345678"},
}


def test_conforming_create_passes(validator: SpecValidator) -> None:
    created = {"reference": REF, "redirectUrl": "http://127.0.0.1:1/landing?token=t"}
    ex = exchange(
        "POST",
        "/epayment/v1/payments",
        201,
        request_body=CREATE,
        response_headers=JSON,
        response_body=created,
    )
    assert validator.validate(ex) == []


def test_non_conforming_response_fails_and_names_the_field(validator: SpecValidator) -> None:
    body = modification()
    body["state"] = "CAPTURED"  # a naive simulator's state; the spec has no such state
    del body["pspReference"]
    ex = exchange(
        "POST",
        f"/epayment/v1/payments/{REF}/capture",
        200,
        request_body={"modificationAmount": money(500)},
        response_headers=JSON,
        response_body=body,
    )
    violations = validator.validate(ex)
    assert any("state: 'CAPTURED' is not one of" in v for v in violations), violations
    assert any("'pspReference' is a required property" in v for v in violations), violations
    assert all(v.startswith(f"POST /epayment/v1/payments/{REF}/capture -> 200") for v in violations)


def test_adjust_200_accepted_as_json_or_problem_json(validator: SpecValidator) -> None:
    for headers in (JSON, PROBLEM):
        ex = exchange(
            "POST",
            f"/epayment/v1/payments/{REF}/cancel",
            200,
            response_headers=headers,
            response_body=modification("TERMINATED"),
        )
        assert validator.validate(ex) == [], headers


def test_access_token_numbers_must_be_strings(validator: SpecValidator) -> None:
    token = {
        "token_type": "Bearer",
        "expires_in": "3600",
        "ext_expires_in": "0",
        "expires_on": "1495271273",
        "not_before": "1495184574",
        "resource": "00000002-0000-0000-c000-000000000000",
        "access_token": "eyJ0eXAiOiJKV1Qi",
    }
    keys = {"client_id": "7c1b6a52-3f0e-4d9a-8b21-5e6f7a8b9c01", "client_secret": "s"}
    keys["Ocp-Apim-Subscription-Key"] = "k"
    good = exchange(
        "POST", "/accesstoken/get", 200, request_headers=keys, response_headers=JSON,
        response_body=token,
    )  # fmt: skip
    assert validator.validate(good) == []
    bad = exchange(
        "POST", "/accesstoken/get", 200, request_headers=keys, response_headers=JSON,
        response_body={**token, "expires_in": 3600},
    )  # fmt: skip
    assert any("expires_in: 3600 is not of type 'string'" in v for v in validator.validate(bad))


def test_unlisted_error_status_checked_against_problem(validator: SpecValidator) -> None:
    path = f"/epayment/v1/payments/{REF}"
    good = exchange("GET", path, 404, response_headers=PROBLEM, response_body=problem(404))
    assert validator.validate(good) == []
    not_problem = exchange("GET", path, 401, response_headers=JSON, response_body={"error": "x"})
    assert validator.validate(not_problem), "a 401 that is not problem+json must be reported"
    missing_trace = json.loads(problem(429))
    del missing_trace["traceId"]
    ex = exchange("GET", path, 429, response_headers=PROBLEM, response_body=missing_trace)
    assert any("'traceId' is a required property" in v for v in validator.validate(ex))


def test_undeclared_success_status_fails(validator: SpecValidator) -> None:
    ex = exchange(
        "POST",
        "/epayment/v1/payments",
        200,
        request_body=CREATE,
        response_headers=JSON,
        response_body={"reference": REF},
    )
    assert any("status 200 is not declared" in v for v in validator.validate(ex))


def test_force_approve_has_no_body(validator: SpecValidator) -> None:
    path = f"/epayment/v1/test/payments/{REF}/approve"
    body = {"customer": {"phoneNumber": "4712345678"}}
    assert validator.validate(exchange("POST", path, 200, request_body=body)) == []
    with_body = exchange("POST", path, 200, request_body=body, response_body={"ok": True})
    assert any("must have no body" in v for v in validator.validate(with_body))


def test_invalid_request_reported_only_when_accepted(validator: SpecValidator) -> None:
    bad = {**CREATE, "reference": "short"}
    refused = exchange(
        "POST", "/epayment/v1/payments", 400, request_body=bad, response_headers=PROBLEM,
        response_body=problem(400),
    )  # fmt: skip
    assert validator.validate(refused) == []
    accepted = exchange(
        "POST", "/epayment/v1/payments", 201, request_body=bad, response_headers=JSON,
        response_body={"reference": "short"},
    )  # fmt: skip
    assert any("request: reference" in v for v in validator.validate(accepted))
    assert validator.validate_request(refused), "asked explicitly, the request is still checked"


def test_bad_header_reported_by_name(validator: SpecValidator) -> None:
    path = f"/epayment/v1/payments/{REF}"
    headers = {**API, "Merchant-Serial-Number": "12ab"}
    ex = exchange("GET", path, 404, request_headers=headers, response_headers=PROBLEM,
                  response_body=problem(404))  # fmt: skip
    violations = validator.validate_request(ex)
    expected = "request: header Merchant-Serial-Number: '12ab' does not match"
    assert any(expected in v for v in violations), violations


def test_request_without_token_reported(validator: SpecValidator) -> None:
    headers = {k: v for k, v in API.items() if k != "Authorization"}
    ex = exchange(
        "GET",
        f"/epayment/v1/payments/{REF}/events",
        200,
        request_headers=headers,
        response_headers=JSON,
        response_body=[],
    )
    assert any("Security" in v for v in validator.validate(ex))


def test_paths_outside_the_specs_are_ignored(validator: SpecValidator) -> None:
    for path in ("/_sim/health", "/landing/abc", "/epayment/v2/payments", "/favicon.ico"):
        ex = exchange("GET", path, 200, response_headers=JSON, response_body={"anything": 1})
        assert validator.validate(ex) == [], path
    assert validator.operation("GET", "/epayment/v1/payments/abc/events").operation_id == (
        "getPaymentEventLog"
    )


def test_missing_specs_skip_with_a_clear_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EPAYMENT_LAB_SPECS", str(tmp_path))
    monkeypatch.delenv("EPAYMENT_LAB_REQUIRE_SPECS", raising=False)
    with pytest.raises(SpecsMissing, match="official specs not found in"):
        SpecValidator.load()
    with pytest.raises(pytest.skip.Exception) as skipped:
        load_or_skip()
    assert str(skipped.value) == missing_message(tmp_path.resolve())
    assert "set EPAYMENT_LAB_SPECS" in str(skipped.value)


def test_missing_specs_fail_when_required(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPAYMENT_LAB_SPECS", str(tmp_path))
    monkeypatch.setenv("EPAYMENT_LAB_REQUIRE_SPECS", "1")
    with pytest.raises(pytest.fail.Exception, match="official specs not found"):
        load_or_skip()


def test_observer_queues_then_reports_each_violation_once(validator: SpecValidator) -> None:
    observer = SpecObserver(validator)

    def observed(status: int | None, body: bytes) -> SimpleNamespace:
        return SimpleNamespace(
            method="GET", path=f"/epayment/v1/payments/{REF}", query_string="", status=status,
            request_headers=API, request_body=b"", response_headers=PROBLEM, response_body=body,
        )  # fmt: skip

    observer(observed(404, problem(404)))
    observer(observed(404, b'{"status": 404}'))
    observer(observed(None, b""))  # a dropped connection: nothing to check
    violations = observer.take_violations()
    assert len(violations) == 3 and all("404 (getPayment)" in v for v in violations), violations
    assert "3 spec violation(s)" in format_violations(violations)
    assert observer.take_violations() == []
    assert observer.checked == 3


def test_shared_simulator_feeds_the_spec_observer(
    validator: SpecValidator, simulator: Any, spec_observer: Any
) -> None:
    """The wiring in tests/conftest.py: the shared simulator hands each exchange to the observer."""
    assert simulator.config.observer is spec_observer is not None
    before = spec_observer.pending
    assert requests.get(f"{simulator.base_url}/_sim/health", timeout=5).status_code == 200
    assert spec_observer.pending == before + 1


def test_webhooks_api_checked_when_its_spec_is_there(validator: SpecValidator) -> None:
    if validator.operation("POST", "/webhooks/v1/webhooks") is None:
        pytest.skip("webhooks.yaml not in the specs directory")
    register = {"url": "https://example.com/hook", "events": ["epayments.payment.captured.v1"]}
    created = {"id": "2f0bd6c5-3ba1-4f2a-9e5a-0c6d1f0f9a11", "secret": "s3cret"}
    good = exchange("POST", "/webhooks/v1/webhooks", 201, request_body=register,
                    response_headers=JSON, response_body=created)  # fmt: skip
    assert validator.validate(good) == []
    bad = exchange("POST", "/webhooks/v1/webhooks", 201, request_body=register,
                   response_headers=JSON, response_body={"id": 5})  # fmt: skip
    assert any("'secret' is a required property" in v for v in validator.validate(bad))
    # 404 for an unknown id is not listed: checked against ProblemDetails (no extra fields)
    path = "/webhooks/v1/webhooks/2f0bd6c5-3ba1-4f2a-9e5a-0c6d1f0f9a11"
    odd = {"status": 404, "title": "Not Found", "unexpected": True}
    ex = exchange("DELETE", path, 404, response_headers=PROBLEM, response_body=odd)
    assert any("unexpected" in v for v in validator.validate(ex))
