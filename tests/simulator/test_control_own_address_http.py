"""The control plane answers only at its own address and acts only for its own pages (no DNS
rebinding, no cross-site approve/reset); curl, the dashboard's requests and tests keep working."""

from __future__ import annotations

import pytest
import requests

from simulator import SimulatorConfig, SimulatorServer
from tests.simulator.helpers import Api, create_body


def _created(sim: SimulatorServer) -> str:
    body = create_body()
    assert Api(sim).create(body).status_code == 201
    return body["reference"]


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "127.0.0.1"]
)
def test_foreign_host__403_and_no_keys(sim: SimulatorServer, host: str) -> None:
    header = host.format(port=sim.port)
    for path in ("/_sim/sales-units", "/_sim/payments", "/_sim/health"):
        response = requests.get(f"{sim.base_url}{path}", headers={"Host": header}, timeout=5)
        assert response.status_code == 403, (path, response.text)
        assert sim.sales_units[0].client_secret not in response.text


def test_foreign_host__no_reset(sim: SimulatorServer) -> None:
    reference = _created(sim)
    url = f"{sim.base_url}/_sim/reset"
    assert requests.post(url, headers={"Host": "evil.example"}, timeout=5).status_code == 403
    assert sim.backend.payment("123456", reference).state == "CREATED"


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_own_host__answers(sim: SimulatorServer, host: str) -> None:
    header = host.format(port=sim.port)
    response = requests.get(f"{sim.base_url}/_sim/sales-units", headers={"Host": header}, timeout=5)
    assert response.status_code == 200


@pytest.mark.parametrize("action", ["approve", "reject", "expire"])
def test_foreign_origin__no_user_action(sim: SimulatorServer, action: str) -> None:
    """What a page on another site sends with fetch(url, {method: 'POST', mode: 'no-cors'})."""
    reference = _created(sim)
    url = f"{sim.base_url}/_sim/payments/123456/{reference}/{action}"
    for origin in ("http://evil.example", "null", f"http://localhost:{sim.port + 1}"):
        response = requests.post(url, headers={"Origin": origin}, timeout=5)
        assert response.status_code == 403, origin
    assert sim.backend.payment("123456", reference).state == "CREATED"


def test_foreign_origin__no_reset_clock_or_faults(sim: SimulatorServer) -> None:
    reference = _created(sim)
    evil = {"Origin": "https://evil.example"}
    base = sim.base_url
    assert requests.post(f"{base}/_sim/reset", headers=evil, timeout=5).status_code == 403
    advance = requests.post(f"{base}/_sim/clock/advance", json={"seconds": 900}, headers=evil)
    assert advance.status_code == 403
    fault = {"operation": "*", "kind": "status", "status": 503, "count": 1}
    assert requests.post(f"{base}/_sim/faults", json=fault, headers=evil).status_code == 403
    assert sim.backend.payment("123456", reference).state == "CREATED"


def test_own_origin_and_no_origin__act(sim: SimulatorServer) -> None:
    for origin in (None, sim.base_url, f"http://localhost:{sim.port}"):
        reference = _created(sim)
        headers = {"Origin": origin} if origin else {}
        url = f"{sim.base_url}/_sim/payments/123456/{reference}/approve"
        assert requests.post(url, headers=headers, timeout=5).status_code == 200, origin


def test_foreign_origin__reads_still_answer(sim: SimulatorServer) -> None:
    """A cross-site GET cannot be read by the page (no CORS headers); refusing it gains nothing."""
    url = f"{sim.base_url}/_sim/health"
    assert (
        requests.get(url, headers={"Origin": "http://evil.example"}, timeout=5).status_code == 200
    )


def test_emulated_api_and_landing_page__any_host(sim: SimulatorServer) -> None:
    """The guard is the control plane's: the API behind a proxy keeps its own Host rules."""
    api = Api(sim)
    reference = api.authorized()
    response = api.call(
        "GET", f"/epayment/v1/payments/{reference}", None, headers={"Host": "apitest.vipps.no"}
    )
    assert response.status_code == 200


def test_public_url_host_and_origin__answer() -> None:
    config = SimulatorConfig(port=0, rate_limits=False, public_url="http://sim.lan.example:9999")
    with SimulatorServer(config) as sim:
        reference = _created(sim)
        headers = {"Host": "sim.lan.example:9999", "Origin": "http://sim.lan.example:9999"}
        url = f"{sim.base_url}/_sim/payments/123456/{reference}/approve"
        assert requests.post(url, headers=headers, timeout=5).status_code == 200
        other = {"Host": "sim.lan.example:9998"}
        assert requests.get(f"{sim.base_url}/_sim/health", headers=other).status_code == 403
