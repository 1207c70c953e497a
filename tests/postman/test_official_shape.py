# ruff: noqa: E501  (a Postman document written out as data: its script lines stay whole)
"""A collection of the official ePayment collection's shape (our own copy, written for this test):
`{{base_url}}/accessToken/get` in its casing, the global environment's variable names, a reference
made of the MSN and the time, and the same headers. newman runs it against the simulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simulator import SimulatorServer

SYSTEM = [
    {"key": "Vipps-System-Name", "value": "{{vipps_system_name}}"},
    {"key": "Vipps-System-Version", "value": "{{vipps_system_version}}"},
    {"key": "Vipps-System-Plugin-Name", "value": "{{vipps_system_plugin_name}}"},
    {"key": "Vipps-System-Plugin-Version", "value": "{{vipps_system_plugin_version}}"},
]
API = [
    {"key": "Authorization", "value": "Bearer {{access_token}}"},
    {"key": "Ocp-Apim-Subscription-Key", "value": "{{Ocp-Apim-Subscription-Key}}"},
    {"key": "Merchant-Serial-Number", "value": "{{merchantSerialNumber}}"},
    *SYSTEM,
]


def _url(path: str) -> dict[str, Any]:
    return {"raw": "{{base_url}}" + path, "host": ["{{base_url}}"], "path": path[1:].split("/")}


def _test(*lines: str) -> list[dict[str, Any]]:
    return [{"listen": "test", "script": {"type": "text/javascript", "exec": list(lines)}}]


CREATE_BODY = {
    "amount": {"value": "__AMOUNT__", "currency": "NOK"},
    "paymentMethod": {"type": "WALLET"},
    "customer": {"phoneNumber": "{{internationalMobileNumber}}"},
    "reference": "{{reference}}",
    "userFlow": "WEB_REDIRECT",
    "returnUrl": "https://example.com/redirect?reference={{reference}}",
    "paymentDescription": "Purchase of socks",
}
COLLECTION = {
    "info": {"name": "ePayment API v1 - Collection (shape)",
             "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
    "item": [
        {"name": "Get Access Token",
         "event": _test("pm.environment.set(\"access_token\", pm.response.json().access_token);",
                        "pm.test('200', () => pm.response.to.have.status(200));"),
         "request": {"method": "POST", "url": _url("/accessToken/get"), "body": {"mode": "raw", "raw": ""},
                     "header": [{"key": "client_id", "value": "{{client_id}}"},
                                {"key": "client_secret", "value": "{{client_secret}}"},
                                *API[1:]]}},
        {"name": "Create payment - Web redirect",
         "event": [{"listen": "prerequest", "script": {"type": "text/javascript", "exec": [
             "var uuid = require('uuid')",
             "pm.environment.set(\"idempotency_key\", uuid.v4())",
             "pm.environment.set('reference', pm.environment.get('merchantSerialNumber') + (new Date()).getTime());",
         ]}}, *_test("pm.test('201', () => pm.response.to.have.status(201));")],
         "request": {"method": "POST", "url": _url("/epayment/v1/payments"),
                     "header": [*API, {"key": "Content-Type", "value": "application/json"},
                                {"key": "Idempotency-Key", "value": "{{idempotency_key}}"}],
                     "body": {"mode": "raw", "raw": json.dumps(CREATE_BODY, indent=2).replace(
                         '"__AMOUNT__"', "{{amount}}")}}},
        {"name": "Get payment",
         "event": _test("pm.test('200', () => pm.response.to.have.status(200));",
                        "pm.test('CREATED', () => pm.expect(pm.response.json().state).to.eql('CREATED'));"),
         "request": {"method": "GET", "url": _url("/epayment/v1/payments/{{reference}}"),
                     "header": API}},
    ],
}  # fmt: skip


def _global_environment(sim: SimulatorServer) -> dict[str, Any]:
    unit = sim.sales_units[0]
    values = {
        "client_id": unit.client_id,
        "client_secret": unit.client_secret,
        "Ocp-Apim-Subscription-Key": unit.subscription_key,
        "merchantSerialNumber": unit.merchant_serial_number,
        "base_url": sim.base_url,
        "internationalMobileNumber": "4712345678",
        "amount": "49900",
        "access_token": "<This value will be overwritten when you call the Get Access Token API>",
        "vipps_system_name": "acme",
        "vipps_system_version": "3.1.2",
        "vipps_system_plugin_name": "acme-webshop",
        "vipps_system_plugin_version": "4.5.6",
    }
    return {"name": "Vipps MobilePay API Global Environment",
            "values": [{"key": k, "value": v, "enabled": True} for k, v in values.items()]}  # fmt: skip


def test_the_official_shape_runs_against_the_simulator(
    newman: Any, postman_sim: SimulatorServer, tmp_path: Path
) -> None:
    run = newman(COLLECTION, _global_environment(postman_sim), tmp_path)
    failures = [f"{f['source'].get('name')}: {f['error'].get('message')}" for f in run["failures"]]
    assert failures == []
    assert run["stats"]["requests"]["total"] == 3 and run["stats"]["assertions"]["failed"] == 0
