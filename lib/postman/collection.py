"""The quick start as a Postman collection (v2.1), written by this project, for Postman or newman.

Every request uses the global environment's variable names, and each has a test script that checks
the status and stores what the next request needs (the token, the reference).
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
USER_FLOWS = ("PUSH_MESSAGE", "QR", "NATIVE_REDIRECT", "WEB_REDIRECT")
SYSTEM_HEADERS = {
    "Vipps-System-Name": "{{vipps_system_name}}",
    "Vipps-System-Version": "{{vipps_system_version}}",
    "Vipps-System-Plugin-Name": "{{vipps_system_plugin_name}}",
    "Vipps-System-Plugin-Version": "{{vipps_system_plugin_version}}",
}
NEW_REFERENCE = (
    "pm.environment.set('reference', 'pm-' + pm.environment.get('merchantSerialNumber')"
    " + '-' + Date.now() + '-' + Math.floor(Math.random() * 1000));"
)


def _headers(*, token: bool = True, keyed: bool = False, json_body: bool = False) -> list[dict]:
    headers = {"Authorization": "Bearer {{access_token}}"} if token else {}
    headers["Ocp-Apim-Subscription-Key"] = "{{Ocp-Apim-Subscription-Key}}"
    headers["Merchant-Serial-Number"] = "{{merchantSerialNumber}}"
    headers.update(SYSTEM_HEADERS)
    if keyed:
        headers["Idempotency-Key"] = "{{$guid}}"  # a new key per request, as the docs advise
    if json_body:
        headers["Content-Type"] = "application/json"
    return [{"key": k, "value": v} for k, v in headers.items()]


def _url(path: str) -> dict[str, Any]:
    return {
        "raw": "{{base_url}}" + path,
        "host": ["{{base_url}}"],
        "path": path.strip("/").split("/"),
    }


def _item(
    name: str, method: str, path: str, tests: list[str], *, body: str | None = None,
    headers: list[dict] | None = None, prerequest: list[str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    request: dict[str, Any] = {"method": method, "header": headers or _headers(), "url": _url(path)}
    if body is not None:
        request["body"] = {"mode": "raw", "raw": body, "options": {"raw": {"language": "json"}}}
    events = [{"listen": "test", "script": {"type": "text/javascript", "exec": tests}}]
    if prerequest:
        events.insert(0, {"listen": "prerequest", "script": {"type": "text/javascript",
                                                             "exec": prerequest}})  # fmt: skip
    return {"name": name, "event": events, "request": request}


def _status(code: int) -> str:
    return f"pm.test('answers {code}', function () {{ pm.response.to.have.status({code}); }});"


def _state(state: str) -> str:
    return (
        f"pm.test('state is {state}', function () "
        f"{{ pm.expect(pm.response.json().state).to.eql('{state}'); }});"
    )


def _create(flow: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "amount": {"value": "__AMOUNT__", "currency": "{{currency}}"},
        "paymentMethod": {"type": "WALLET"},
        "reference": "{{reference}}",
        "userFlow": flow,
        "paymentDescription": f"ePayment Lab quick start ({flow})",
    }
    if flow != "QR":
        body["customer"] = {"phoneNumber": "{{internationalMobileNumber}}"}
    if flow in ("WEB_REDIRECT", "NATIVE_REDIRECT"):
        body["returnUrl"] = "https://example.com/return?reference={{reference}}"
    raw = json.dumps(body, indent=2).replace('"__AMOUNT__"', "{{amount}}")
    tests = [
        _status(201),
        "pm.expect(pm.response.json().reference).to.eql(pm.environment.get('reference'));",
    ]
    if flow != "PUSH_MESSAGE":
        tests.append(
            "pm.test('has a redirectUrl', function () "
            "{ pm.expect(pm.response.json().redirectUrl).to.be.a('string'); });"
        )
    headers = _headers(keyed=True, json_body=True)
    return _item(f"Create payment - {flow}", "POST", "/epayment/v1/payments", tests, body=raw,
                 headers=headers, prerequest=[NEW_REFERENCE])  # fmt: skip


def _modification(name: str, action: str, amount: str, tests: list[str]) -> dict[str, Any]:
    body = '{\n  "modificationAmount": {"value": ' + amount + ', "currency": "{{currency}}"}\n}'
    path = f"/epayment/v1/payments/{{{{reference}}}}/{action}"
    headers = _headers(keyed=True, json_body=True)
    return _item(name, "POST", path, tests, body=body, headers=headers)


def quickstart_collection(name: str = "ePayment Lab quick start") -> dict[str, Any]:
    """Token, a create per userFlow, force approve, get, events, capture, refund, cancel."""
    payment = "/epayment/v1/payments/{{reference}}"
    token_headers = [
        {"key": "client_id", "value": "{{client_id}}"},
        {"key": "client_secret", "value": "{{client_secret}}"},
        *_headers(token=False),
    ]
    items = [
        _item("Get access token", "POST", "/accesstoken/get", [
            _status(200), "pm.environment.set('access_token', pm.response.json().access_token);",
        ], headers=token_headers),
        *[_create(flow) for flow in USER_FLOWS],  # the last (WEB_REDIRECT) goes on
        _item("Force approve payment", "POST", "/epayment/v1/test/payments/{{reference}}/approve",
              [_status(200)], body='{"customer": {"phoneNumber": "{{internationalMobileNumber}}"}}',
              headers=_headers(json_body=True)),
        _item("Get payment", "GET", payment, [_status(200), _state("AUTHORIZED")]),
        _item("Get payment event log", "GET", f"{payment}/events", [
            _status(200),
            "pm.expect(pm.response.json().map(e => e.name)).to.include('AUTHORIZED');",
        ]),
        _modification("Capture payment", "capture", "{{amount}}", [
            _status(200),
            "pm.expect(pm.response.json().aggregate.capturedAmount.value)"
            ".to.eql(Number(pm.environment.get('amount')));",
        ]),
        _modification("Refund payment (part)", "refund", "100", [
            _status(200),
            "pm.expect(pm.response.json().aggregate.refundedAmount.value).to.eql(100);",
        ]),
        _create("WEB_REDIRECT") | {"name": "Create payment to cancel"},
        _item("Cancel payment", "POST", f"{payment}/cancel", [_status(200), _state("TERMINATED")],
              headers=_headers(keyed=True)),
    ]  # fmt: skip
    return {
        "info": {"name": name, "schema": SCHEMA, "description": "Written by ePayment Lab."},
        "item": items,
    }
