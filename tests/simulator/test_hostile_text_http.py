"""Text that is not quite text: lone surrogates, non-ASCII tokens and keys. 400/401, never 5xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from simulator import SimulatorServer
from tests.simulator.helpers import PAYMENTS, Api, create_body


def _post_raw(api: Api, path: str, body: Any, **headers: str) -> requests.Response:
    """json.dumps escapes a lone surrogate as `\\ud800`: valid JSON syntax, not valid text."""
    raw = json.dumps(body).encode("ascii")
    return api.call("POST", path, headers={"Content-Type": "application/json", **headers}, data=raw)


def _every_view_answers(sim: SimulatorServer, api: Api, reference: str) -> None:
    assert requests.get(f"{sim.base_url}/_sim/payments", timeout=5).status_code == 200
    one = requests.get(f"{sim.base_url}/_sim/payments/123456/{reference}", timeout=5)
    assert one.status_code in (200, 404)
    assert api.get(reference).status_code in (200, 404)
    assert api.events(reference).status_code in (200, 404)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"paymentDescription": "Socks \ud800"}, "paymentDescription"),
        ({"metadata": {"order": "\udfff"}}, "metadata.order"),
        ({"metadata": {"\ud800": "value"}}, "metadata.\\ud800"),
        (
            {"userFlow": "PUSH_MESSAGE", "customer": {"customerToken": "tok-\ud83d"}},
            "customer.customerToken",
        ),
        ({"returnUrl": "https://example.com/\udc80"}, "returnUrl"),
    ],
    ids=["description", "metadata-value", "metadata-key", "customer-token", "return-url"],
)
def test_lone_surrogate_in_create__400_naming_the_field(
    sim: SimulatorServer, extra: dict[str, Any], field: str
) -> None:
    api = Api(sim)
    body = create_body(**extra)
    response = _post_raw(api, PAYMENTS, body)
    assert response.status_code == 400, response.text
    assert response.json()["extraDetails"][0]["name"] == field
    _every_view_answers(sim, api, body["reference"])


def test_lone_surrogate_elsewhere__400_never_500(sim: SimulatorServer) -> None:
    api = Api(sim)
    reference = api.authorized()
    capture = {"modificationAmount": {"value": 100, "currency": "NOK\ud800"}}
    assert _post_raw(api, f"{PAYMENTS}/{reference}/capture", capture).status_code == 400
    approve = {"token": "\ud800", "customer": {"phoneNumber": "4712345678"}}
    fresh = api.create().json()["reference"]
    assert _post_raw(api, f"/epayment/v1/test/payments/{fresh}/approve", approve).status_code == 400
    clock = requests.post(
        f"{sim.base_url}/_sim/transitions",
        data=json.dumps({"mode": "\ud800"}),
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert clock.status_code == 400
    _every_view_answers(sim, api, reference)


def test_idempotency_key_that_is_not_utf8__400(sim: SimulatorServer) -> None:
    """requests sends the str as latin-1 bytes: 0xff is no UTF-8, the server sees a surrogate."""
    api = Api(sim)
    body = create_body()
    response = api.create(body, key="key-\xff")
    assert response.status_code == 400, response.text
    assert response.json()["extraDetails"][0]["name"] == "Idempotency-Key"
    _every_view_answers(sim, api, body["reference"])


def test_idempotency_key_in_utf8__accepted_and_shown(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body()
    key = "nøkkel-1".encode().decode("latin-1")  # the UTF-8 bytes of "nøkkel-1" on the wire
    assert api.create(body, key=key).status_code == 201
    events = api.events(body["reference"])
    assert events.status_code == 200 and events.json()[0]["idempotencyKey"] == "nøkkel-1"


@pytest.mark.parametrize("token", ["a.b.é", "é", "a.é.c", "ä" * 3000])
def test_non_ascii_bearer_token__401(sim: SimulatorServer, token: str) -> None:
    api = Api(sim)
    wire = f"Bearer {token}".encode().decode("latin-1")  # UTF-8 on the wire
    response = api.call("GET", f"{PAYMENTS}/any-reference-1", None, headers={"Authorization": wire})
    assert response.status_code == 401, response.text
    latin1 = api.call(
        "GET", f"{PAYMENTS}/any-reference-1", None, headers={"Authorization": "Bearer a.b.\xe9"}
    )
    assert latin1.status_code == 401


def test_lone_surrogate_from_an_in_process_caller__every_view_answers(sim: SimulatorServer) -> None:
    """The backend takes parsed bodies from Python too: what it stored is rendered, escaped."""
    body = create_body(paymentDescription="Socks \ud800", metadata={"order": "\udfff"})
    redirect = sim.backend.create_payment("123456", body, "in-process-1")["redirectUrl"]
    api = Api(sim)
    assert api.get(body["reference"]).json()["metadata"] == {"order": "\udfff"}
    listed = requests.get(f"{sim.base_url}/_sim/payments", timeout=5)
    assert listed.status_code == 200 and listed.json()[0]["paymentDescription"] == "Socks \ud800"
    page = requests.get(redirect, timeout=5)
    assert page.status_code == 200 and "Socks \\ud800" in page.text


@pytest.mark.parametrize("char", ["\x7f", "\x00", "\x1b", "\n", "\x85", "\x9f", " "])
def test_return_url_with_a_control_character__4090(sim: SimulatorServer, char: str) -> None:
    response = Api(sim).create(create_body(returnUrl=f"https://example.com/a{char}b"))
    assert response.status_code == 400, response.text
    assert response.json()["extraDetails"] == [{"name": "ErrorCode", "reason": "4090"}]


def test_return_url_in_unicode__location_percent_encoded(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body(returnUrl="https://example.com/bær?q=æ+ø#å%20x")
    redirect = api.create(body).json()["redirectUrl"]
    answer = requests.post(redirect, data={"action": "approve"}, allow_redirects=False, timeout=5)
    assert answer.status_code == 303
    location = answer.raw.headers["Location"]  # as sent: requests would re-decode .headers
    assert location == "https://example.com/b%C3%A6r?q=%C3%A6+%C3%B8#%C3%A5%20x"
    assert api.get(body["reference"]).json()["state"] == "AUTHORIZED"


def test_phone_number_in_other_digits__4070(sim: SimulatorServer) -> None:
    """`^\\d{9,15}$` in an OpenAPI document is ECMAScript's \\d: 0-9, not every Unicode digit."""
    body = create_body(userFlow="PUSH_MESSAGE", customer={"phoneNumber": "٤٧١٢٣٤٥٦٧٨"})
    response = Api(sim).create(body)
    assert response.status_code == 400, response.text
    assert response.json()["extraDetails"] == [{"name": "ErrorCode", "reason": "4070"}]
