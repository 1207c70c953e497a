"""A recorded run as a Postman collection: each exchange as a request, secrets as {{variables}}."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from lib.exchange import Exchange
from lib.postman.collection import SCHEMA
from lib.recorder.redaction import PLACEHOLDER_PATTERN

# Header -> the variable of the global environment that holds its value.
HEADER_VARIABLES = {
    "authorization": "Bearer {{access_token}}",
    "client_id": "{{client_id}}",
    "client_secret": "{{client_secret}}",
    "ocp-apim-subscription-key": "{{Ocp-Apim-Subscription-Key}}",
    "merchant-serial-number": "{{merchantSerialNumber}}",
}
# Set by the HTTP stack, not by the caller.
TRANSPORT_HEADERS = {"content-length", "host", "connection", "accept-encoding", "user-agent"}
# «redacted:access_token» in a recorded body -> the environment variable with that value.
PLACEHOLDER_VARIABLES = {
    "access_token": "{{access_token}}",
    "client_secret": "{{client_secret}}",
    "subscription_key": "{{Ocp-Apim-Subscription-Key}}",
}
STORE_TOKEN = (
    "if (pm.response.code === 200) "
    "{ pm.environment.set('access_token', pm.response.json().access_token); }"
)


def _variables(text: str) -> str:
    return PLACEHOLDER_PATTERN.sub(
        lambda m: PLACEHOLDER_VARIABLES.get(m.group(1), "{{" + m.group(1) + "}}"), text
    )


def _item(exchange: Exchange) -> dict[str, Any]:
    parts = urlsplit(exchange.url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = [
        {"key": name, "value": HEADER_VARIABLES.get(name.lower(), _variables(value))}
        for name, value in exchange.request_headers.items()
        if name.lower() not in TRANSPORT_HEADERS
    ]
    request: dict[str, Any] = {
        "method": exchange.method,
        "header": headers,
        "url": {"raw": "{{base_url}}" + path, "host": ["{{base_url}}"],
                "path": parts.path.strip("/").split("/")},
    }  # fmt: skip
    if exchange.request_body is not None:
        request["body"] = {"mode": "raw", "raw": _variables(exchange.request_body)}
    name = " ".join(str(p) for p in (exchange.step, exchange.operation, exchange.reference) if p)
    expected = exchange.status
    tests = [f"pm.test('answers {expected} as recorded', function () "
             f"{{ pm.response.to.have.status({expected}); }});"] if expected else []  # fmt: skip
    if exchange.operation == "access_token":
        tests.append(STORE_TOKEN)
    event = [{"listen": "test", "script": {"type": "text/javascript", "exec": tests}}]
    return {"name": name or exchange.operation, "event": event, "request": request}


def run_collection(exchanges: Iterable[Exchange], name: str = "ePayment Lab run") -> dict[str, Any]:
    """Requests the lab (or a merchant's system) sent, in order; webhook deliveries are left out
    (they came to us, not from us). Retries stay: they are requests that were sent."""
    items = [_item(e) for e in exchanges if e.operation != "webhook_delivery"]
    return {"info": {"name": name, "schema": SCHEMA, "description": "Recorded by ePayment Lab."},
            "item": items}  # fmt: skip
