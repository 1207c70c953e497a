"""Paths as the gateway matches them: any casing of an API path's fixed parts reaches it."""

from __future__ import annotations

import pytest
import requests

from simulator import SimulatorServer
from simulator.gateway_paths import CaseInsensitivePaths
from tests.simulator.helpers import Api, create_body


def test_canonical__fixed_parts_fold_parameters_keep_their_case() -> None:
    router = CaseInsensitivePaths(["/accesstoken/get", "/epayment/v1/payments/{reference}/capture"])
    assert router.canonical("/accessToken/get") == "/accesstoken/get"
    assert router.canonical("/ePayment/V1/Payments/AbC-123/CAPTURE") == (
        "/epayment/v1/payments/AbC-123/capture"
    )
    assert router.canonical("/epayment/v1/payments/a/b/capture") is None
    assert router.canonical("/accesstoken/get/extra") is None


def test_access_token__postman_casing(sim: SimulatorServer) -> None:
    unit = sim.sales_units[0]
    headers = {
        "client_id": unit.client_id,
        "client_secret": unit.client_secret,
        "Ocp-Apim-Subscription-Key": unit.subscription_key,
        "Merchant-Serial-Number": unit.merchant_serial_number,
    }
    for path in ("/accessToken/get", "/ACCESSTOKEN/GET", "/AccessToken/Get"):
        answer = requests.post(sim.base_url + path, headers=headers, timeout=10)
        assert answer.status_code == 200 and answer.json()["token_type"] == "Bearer", path


CASINGS = [str.upper, str.title, lambda p: p.replace("payments", "Payments")]


@pytest.mark.parametrize("casing", CASINGS, ids=["upper", "title", "one-part"])
def test_every_epayment_operation__other_casings(sim: SimulatorServer, casing) -> None:
    api = Api(sim)
    body = create_body()
    ref = body["reference"]

    def path(template: str) -> str:  # fixed parts in another case; the reference as it is
        return casing(template).replace("@", ref)

    assert api.call("POST", casing("/epayment/v1/payments"), json=body).status_code == 201
    assert api.call("POST", path("/epayment/v1/test/payments/@/approve"), None,
                    json={}).status_code == 200  # fmt: skip
    got = api.call("GET", path("/epayment/v1/payments/@"), None)
    assert got.status_code == 200 and got.json()["state"] == "AUTHORIZED"
    events = api.call("GET", path("/epayment/v1/payments/@/events"), None)
    assert [e["name"] for e in events.json()] == ["CREATED", "AUTHORIZED"]
    money = {
        "modificationAmount": {"currency": "NOK", "value": 400}
    }  # a part: cancel frees the rest
    for action in ("capture", "refund"):
        answer = api.call("POST", path(f"/epayment/v1/payments/@/{action}"), json=money)
        assert answer.status_code == 200, (action, answer.text)
    assert api.call("POST", path("/epayment/v1/payments/@/cancel")).status_code == 200


def test_webhooks_api__other_casing(sim: SimulatorServer) -> None:
    listed = Api(sim).call("GET", "/Webhooks/V1/Webhooks", None)
    assert listed.status_code == 200 and "webhooks" in listed.json()


def test_a_reference_is_still_case_sensitive(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body()
    assert api.create(body).status_code == 201
    assert (
        api.call("GET", f"/epayment/v1/payments/{body['reference'].swapcase()}", None).status_code
        == 404
    )


def test_the_control_plane_matches_exactly(sim: SimulatorServer) -> None:
    assert requests.get(f"{sim.base_url}/_SIM/health", timeout=10).status_code == 404
