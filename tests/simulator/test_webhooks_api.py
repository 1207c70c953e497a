"""The emulated Webhooks API over HTTP: register, list, delete, auth and every refused input."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from simulator import SimulatorConfig, SimulatorServer
from simulator.config import default_sales_units
from simulator.webhooks import EPAYMENT_EVENTS
from tests.simulator.helpers import Api
from tests.simulator.webhook_helpers import HOOKS, register

URL = "http://127.0.0.1:9/hook"
CREATED, CAPTURED = "epayments.payment.created.v1", "epayments.payment.captured.v1"


def extra_names(response: requests.Response) -> list[str]:
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["instance"] == "/v1/webhooks"
    return [d["name"] for d in body["extraDetails"]]


def test_register_webhook__201_with_id_and_secret(sim: SimulatorServer) -> None:
    created = register(Api(sim), URL, [CREATED, CAPTURED])
    assert set(created) == {"id", "secret"}
    assert uuid.UUID(created["id"]) and len(created["secret"]) >= 32


def test_list_webhooks__without_secrets(sim: SimulatorServer) -> None:
    api = Api(sim)
    created = register(api, URL, [CAPTURED, CREATED, CAPTURED])
    response = api.call("GET", HOOKS, None)
    assert response.status_code == 200
    assert response.json() == {
        "webhooks": [{"id": created["id"], "url": URL, "events": [CAPTURED, CREATED]}]
    }
    assert created["secret"] not in response.text


@pytest.fixture(scope="module")
def two_units() -> Iterator[SimulatorServer]:
    config = SimulatorConfig(rate_limits=False, sales_units=default_sales_units(2))
    with SimulatorServer(config) as server:
        yield server


def test_webhooks__per_sales_unit(two_units: SimulatorServer) -> None:
    first, second = (Api(two_units, unit) for unit in two_units.sales_units)
    created = register(first, URL, [CREATED])
    assert second.call("GET", HOOKS, None).json() == {"webhooks": []}
    assert second.call("DELETE", f"{HOOKS}/{created['id']}", None).status_code == 404
    assert [h["id"] for h in first.call("GET", HOOKS, None).json()["webhooks"]] == [created["id"]]


def test_delete_webhook__204_then_gone(sim: SimulatorServer) -> None:
    api = Api(sim)
    created = register(api, URL, [CREATED])
    response = api.call("DELETE", f"{HOOKS}/{created['id']}", None)
    assert response.status_code == 204 and response.content == b""
    assert api.call("GET", HOOKS, None).json() == {"webhooks": []}
    assert api.call("DELETE", f"{HOOKS}/{created['id']}", None).status_code == 404


def test_delete_webhook__unknown_id_404(sim: SimulatorServer) -> None:
    response = Api(sim).call("DELETE", f"{HOOKS}/{uuid.uuid4()}", None)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


def test_delete_webhook__malformed_id_names_id(sim: SimulatorServer) -> None:
    response = Api(sim).call("DELETE", f"{HOOKS}/not-a-uuid", None)
    assert response.status_code == 400
    assert [d["name"] for d in response.json()["extraDetails"]] == ["id"]


def test_webhooks__need_the_epayment_auth_headers(sim: SimulatorServer) -> None:
    api = Api(sim)
    no_token = {k: v for k, v in api.headers.items() if k != "Authorization"}
    response = requests.get(sim.base_url + HOOKS, headers=no_token, timeout=10)
    assert response.status_code == 401
    no_msn = {k: v for k, v in api.headers.items() if k != "Merchant-Serial-Number"}
    response = requests.get(sim.base_url + HOOKS, headers=no_msn, timeout=10)
    assert response.status_code == 400
    assert response.json()["extraDetails"][0]["name"] == "Merchant-Serial-Number"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"events": [CREATED]}, "url"),
        ({"url": URL}, "events"),
        ({"url": URL, "events": []}, "events"),
        ({"url": URL, "events": "epayments.payment.created.v1"}, "events"),
        ({"url": URL, "events": ["epayments.payment.approved.v1"]}, "events"),
        ({"url": URL, "events": [CREATED, 7]}, "events"),
        ({"url": "not a url", "events": [CREATED]}, "url"),
        ({"url": "ftp://127.0.0.1/hook", "events": [CREATED]}, "url"),
        ({"url": "http://127.0.0.1:99999/hook", "events": [CREATED]}, "url"),
        ({"url": "http:///hook", "events": [CREATED]}, "url"),
        ({"url": 42, "events": [CREATED]}, "url"),
        (["not", "an", "object"], "body"),
    ],
)
def test_register_webhook__bad_input_names_the_field(
    sim: SimulatorServer, body: Any, field: str
) -> None:
    response = Api(sim).call("POST", HOOKS, None, json=body)
    assert extra_names(response) == [field]


def test_register_webhook__public_url_refused_loopback_only(sim: SimulatorServer) -> None:
    body = {"url": "https://example.com/hook", "events": [CREATED]}
    response = Api(sim).call("POST", HOOKS, None, json=body)
    assert extra_names(response) == ["url"]
    assert "loopback" in response.json()["extraDetails"][0]["reason"]


@pytest.mark.parametrize("url", ["http://localhost:8080/x", "https://127.0.0.1/x?a=1"])
def test_register_webhook__loopback_urls_accepted(sim: SimulatorServer, url: str) -> None:
    register(Api(sim), url, [CREATED])


def test_register_webhook__at_most_25_per_event(sim: SimulatorServer) -> None:
    api = Api(sim)
    for _ in range(25):
        register(api, URL, [CREATED])
    register(api, URL, [CAPTURED])  # another event type has its own quota
    response = api.call("POST", HOOKS, None, json={"url": URL, "events": [CAPTURED, CREATED]})
    assert extra_names(response) == ["events"]
    assert CREATED in response.json()["extraDetails"][0]["reason"]


def test_control_plane__lists_registrations_without_secrets(sim: SimulatorServer) -> None:
    created = register(Api(sim), URL, list(EPAYMENT_EVENTS))
    body = requests.get(f"{sim.base_url}/_sim/webhooks", timeout=10).json()
    [hook] = body["webhooks"]
    assert hook["id"] == created["id"] and hook["msn"] == sim.sales_units[0].merchant_serial_number
    assert hook["attempts"] == [] and hook["pending"] == 0
    assert created["secret"] not in str(body)


def test_reset__forgets_registrations(sim: SimulatorServer) -> None:
    api = Api(sim)
    register(api, URL, [CREATED])
    assert requests.post(f"{sim.base_url}/_sim/reset", timeout=10).status_code == 200
    assert Api(sim).call("GET", HOOKS, None).json() == {"webhooks": []}
