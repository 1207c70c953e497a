"""The access token API and the header checks of every ePayment call, over real HTTP."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest
import requests

from simulator import DEFAULT_SALES_UNIT, SimulatorServer
from simulator.auth import INVALID_KEY, MISSING_KEY
from tests.simulator.helpers import PAYMENTS, Api, create_body

U = DEFAULT_SALES_UNIT


def token_call(sim: SimulatorServer, **headers: str | None) -> requests.Response:
    base = {
        "client_id": U.client_id,
        "client_secret": U.client_secret,
        "Ocp-Apim-Subscription-Key": U.subscription_key,
    }
    merged = {k: v for k, v in {**base, **headers}.items() if v is not None}
    return requests.post(f"{sim.base_url}/accesstoken/get", headers=merged, data=b"", timeout=5)


def test_access_token(sim: SimulatorServer) -> None:
    response = token_call(sim)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=UTF-8"
    data = response.json()
    assert set(data) == {
        "token_type",
        "expires_in",
        "ext_expires_in",
        "expires_on",
        "not_before",
        "resource",
        "access_token",
    }
    assert all(isinstance(v, str) for v in data.values())
    assert data["token_type"] == "Bearer" and data["expires_in"] == "3600"
    assert int(data["expires_on"]) - int(data["not_before"]) == 3600
    assert data["access_token"].count(".") == 2


def test_access_token__wrong_client_id(sim: SimulatorServer) -> None:
    response = token_call(sim, client_id="00000000-0000-0000-0000-000000000000")
    assert response.status_code == 400
    data = response.json()
    assert data["error"] == "unauthorized_client" and data["error_codes"] == [700016]
    assert data["error_description"].startswith("AADSTS700016: Application with identifier")
    assert set(data) >= {"timestamp", "trace_id", "correlation_id", "error_uri"}


def test_access_token__missing_client_id(sim: SimulatorServer) -> None:
    assert token_call(sim, client_id=None).status_code == 400


def test_access_token__wrong_secret(sim: SimulatorServer) -> None:
    response = token_call(sim, client_secret="wrong")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "wrong" not in response.text


def test_access_token__wrong_subscription_key(sim: SimulatorServer) -> None:
    response = token_call(sim, **{"Ocp-Apim-Subscription-Key": "nope"})
    assert response.status_code == 401
    assert response.json() == {"statusCode": 401, "message": INVALID_KEY}


def test_access_token__missing_subscription_key(sim: SimulatorServer) -> None:
    response = token_call(sim, **{"Ocp-Apim-Subscription-Key": None})
    assert response.status_code == 401 and response.json()["message"] == MISSING_KEY


def test_access_token__subscription_key_of_another_sales_unit() -> None:
    from simulator import SimulatorConfig
    from simulator.config import default_sales_units

    with SimulatorServer(SimulatorConfig(sales_units=default_sales_units(2))) as server:
        other = server.sales_units[1]
        response = token_call(server, **{"Ocp-Apim-Subscription-Key": other.subscription_key})
    assert response.status_code == 401


def _get(sim: SimulatorServer, headers: dict[str, str]) -> requests.Response:
    return requests.get(f"{sim.base_url}{PAYMENTS}/unknown-ref-1", headers=headers, timeout=5)


def test_epayment__token_expires(
    sim: SimulatorServer, auth_headers: Callable[..., dict[str, str]]
) -> None:
    headers = auth_headers()
    assert _get(sim, headers).status_code == 404  # the token works
    sim.backend.clock.advance(3601)
    response = _get(sim, headers)
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def _forge(token: str, **claims: object) -> str:
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(claims)
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: _forge(t, exp=9_999_999_999),
        lambda t: _forge(t, msn="999999"),
        lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"),
        lambda t: "not-a-jwt",
        lambda t: "a.b.c",
    ],
    ids=["longer-expiry", "other-msn", "bad-signature", "not-jwt", "garbage"],
)
def test_epayment__forged_token(
    sim: SimulatorServer, auth_headers: Callable[..., dict[str, str]], mutate: Callable[[str], str]
) -> None:
    headers = auth_headers()
    headers["Authorization"] = "Bearer " + mutate(headers["Authorization"][7:])
    response = _get(sim, headers)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"


def test_epayment__token_from_before_reset(
    sim: SimulatorServer, auth_headers: Callable[..., dict[str, str]]
) -> None:
    headers = auth_headers()
    sim.reset()
    assert _get(sim, headers).status_code == 401


@pytest.mark.parametrize(
    ("header", "value", "status"),
    [
        ("Authorization", None, 401),
        ("Authorization", "bearer {token}", 401),
        ("Authorization", "{token}", 401),
        ("Ocp-Apim-Subscription-Key", None, 401),
        ("Ocp-Apim-Subscription-Key", "wrong", 401),
        ("Merchant-Serial-Number", None, 400),
        ("Merchant-Serial-Number", "12", 400),
        ("Merchant-Serial-Number", "654321", 403),
        ("Vipps-System-Name", "x" * 31, 400),
    ],
)
def test_epayment__header_checks(
    sim: SimulatorServer,
    auth_headers: Callable[..., dict[str, str]],
    header: str,
    value: str | None,
    status: int,
) -> None:
    headers = auth_headers()
    token = headers["Authorization"][7:]
    if value is None:
        headers.pop(header, None)
    else:
        headers[header] = value.format(token=token)
    response = _get(sim, headers)
    assert response.status_code == status, response.text
    if status == 400:
        assert response.json()["extraDetails"][0]["name"] == header


@pytest.mark.parametrize("key", [None, "k" * 51])
def test_create_payment__idempotency_key_header(sim: SimulatorServer, key: str | None) -> None:
    api = Api(sim)
    response = api.call("POST", PAYMENTS, None if key is None else key, json=create_body())
    assert response.status_code == 400
    assert response.json()["extraDetails"][0]["name"] == "Idempotency-Key"


def test_payment_of_one_sales_unit_is_invisible_to_another() -> None:
    from simulator import SimulatorConfig
    from simulator.config import default_sales_units

    with SimulatorServer(SimulatorConfig(sales_units=default_sales_units(2))) as server:
        nok, dkk = Api(server), Api(server, server.sales_units[1])
        body = create_body()
        assert nok.create(body).status_code == 201
        assert dkk.get(body["reference"]).status_code == 404
        mixed = dict(dkk.headers, **{"Merchant-Serial-Number": "123456"})
        response = dkk.call("GET", f"{PAYMENTS}/{body['reference']}", None, headers=mixed)
        assert response.status_code == 403
