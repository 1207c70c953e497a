"""The token call's optional headers are checked as access-token.yaml constrains them."""

import pytest
import requests


def _token(sim, **extra: str) -> requests.Response:
    unit = sim.sales_units[0]
    headers = {
        "client_id": unit.client_id,
        "client_secret": unit.client_secret,
        "Ocp-Apim-Subscription-Key": unit.subscription_key,
        **extra,
    }
    return requests.post(f"{sim.base_url}/accesstoken/get", headers=headers, timeout=5)


def test_access_token__own_msn_and_system_headers_accepted(sim):
    msn = sim.sales_units[0].merchant_serial_number
    response = _token(sim, **{"Merchant-Serial-Number": msn, "Vipps-System-Name": "acme"})
    assert response.status_code == 200
    assert response.json()["expires_in"] == "3600"


@pytest.mark.parametrize(
    ("header", "value", "named"),
    [
        ("Merchant-Serial-Number", "aaaaaaaaaaa", "Merchant-Serial-Number"),
        ("Merchant-Serial-Number", "12", "Merchant-Serial-Number"),
        ("Vipps-System-Name", "x" * 31, "Vipps-System-Name"),
        ("Vipps-System-Plugin-Version", "9" * 31, "Vipps-System-Plugin-Version"),
    ],
)
def test_access_token__malformed_header_is_400_naming_it(sim, header, value, named):
    response = _token(sim, **{header: value})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_request"
    assert named in body["error_description"]
    assert "access_token" not in body


def test_access_token__msn_of_another_sales_unit_is_refused(sim):
    response = _token(sim, **{"Merchant-Serial-Number": "999999"})
    assert response.status_code == 401
    assert "999999" in response.json()["error_description"]
