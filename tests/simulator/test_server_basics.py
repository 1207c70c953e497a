"""The simulator over real HTTP: start/stop, health, sales units, token, create, get, observer."""

from __future__ import annotations

import re

import requests

from simulator import DEFAULT_SALES_UNIT, ObservedExchange, SimulatorConfig, SimulatorServer
from tests.simulator.helpers import Api, create_body

TRACE_RE = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-01$")


def test_health(sim: SimulatorServer) -> None:
    response = requests.get(f"{sim.base_url}/_sim/health", timeout=5)
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_base_url_binds_loopback(sim: SimulatorServer) -> None:
    assert sim.base_url.startswith("http://127.0.0.1:") and sim.port


def test_sales_units(sim: SimulatorServer) -> None:
    units = requests.get(f"{sim.base_url}/_sim/sales-units", timeout=5).json()
    assert units[0]["merchant_serial_number"] == DEFAULT_SALES_UNIT.merchant_serial_number
    assert set(units[0]) >= {
        "client_id",
        "client_secret",
        "subscription_key",
        "merchant_serial_number",
    }


def test_create_payment(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body()
    response = api.create(body)
    assert response.status_code == 201
    data = response.json()
    assert data["reference"] == body["reference"]
    assert data["redirectUrl"].startswith(f"{sim.base_url}/landing?token=")


def test_get_payment(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body(value=2500)
    api.create(body)
    data = api.get(body["reference"]).json()
    assert data["state"] == "CREATED"
    assert data["amount"] == {"currency": "NOK", "value": 2500}
    assert data["aggregate"]["authorizedAmount"] == {"currency": "NOK", "value": 0}
    assert data["profile"] == {} and data["paymentMethod"]["type"] == "WALLET"


def test_get_payment__unknown_reference(sim: SimulatorServer) -> None:
    response = Api(sim).get("does-not-exist-1")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["extraDetails"] == [{"name": "ErrorCode", "reason": "5090"}]
    assert problem["instance"] == "/v1/payments/does-not-exist-1"
    assert problem["type"] == "https://httpstatuses.io/404"
    assert TRACE_RE.match(problem["traceId"])


def test_observer_sees_every_exchange() -> None:
    seen: list[ObservedExchange] = []
    config = SimulatorConfig(rate_limits=False, observer=seen.append)
    with SimulatorServer(config) as server:
        api = Api(server)
        body = create_body()
        api.create(body)
        api.get("unknown-ref-123")
    assert [e.path for e in seen] == [
        "/accesstoken/get",
        "/epayment/v1/payments",
        "/epayment/v1/payments/unknown-ref-123",
    ]
    created = seen[1]
    assert created.status == 201 and created.method == "POST"
    assert b'"reference"' in created.request_body and b"redirectUrl" in created.response_body
    assert created.response_headers["Content-Type"].startswith("application/json")
    assert created.request_headers["Merchant-Serial-Number"] == "123456"
    assert seen[2].status == 404


def test_server_stops_and_frees_the_port() -> None:
    server = SimulatorServer(SimulatorConfig()).start()
    url = server.base_url
    server.stop()
    try:
        requests.get(f"{url}/_sim/health", timeout=2)
        reachable = True
    except requests.ConnectionError:
        reachable = False
    assert not reachable
