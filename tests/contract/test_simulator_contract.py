"""The simulator's whole flow and refusals over raw HTTP, each exchange checked against the spec."""

from __future__ import annotations

import pytest

from tests.contract.conftest import RawApi, money, new_reference

pytestmark = pytest.mark.spec

USER_FLOWS = ("WEB_REDIRECT", "NATIVE_REDIRECT", "QR", "PUSH_MESSAGE")


def error_code(response) -> str | None:
    for detail in response.json().get("extraDetails") or []:
        if detail.get("name") == "ErrorCode":
            return detail.get("reason")
    return None


def test_access_token(api: RawApi) -> None:
    response = api.token()
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == "3600"


@pytest.mark.parametrize("header", ["client_secret", "Ocp-Apim-Subscription-Key"])
def test_access_token__wrong_keys_refused(api: RawApi, header: str) -> None:
    response = api.token(**{header: "not-the-right-one"})
    assert response.status_code in (400, 401)
    assert "access_token" not in response.text


@pytest.mark.parametrize("flow", USER_FLOWS)
def test_create_payment__each_user_flow(api: RawApi, flow: str) -> None:
    reference = new_reference(flow.lower().replace("_", "-"))
    created = api.create(reference, flow=flow)
    assert created.status_code == 201
    body = created.json()
    assert body["reference"] == reference
    # PUSH_MESSAGE sends the request to the app; there is nowhere to redirect the user.
    assert ("redirectUrl" in body) == (flow != "PUSH_MESSAGE")
    payment = api.get(reference).json()
    assert payment["state"] == "CREATED"
    assert payment["aggregate"]["authorizedAmount"] == money(0)
    assert [e["name"] for e in api.events(reference).json()] == ["CREATED"]


def test_whole_flow__approve_capture_refund(api: RawApi) -> None:
    reference = api.authorized(value=1000)
    assert api.get(reference).json()["state"] == "AUTHORIZED"

    partial = api.capture(reference, 400)
    assert partial.status_code == 200
    assert partial.json()["aggregate"]["capturedAmount"] == money(400)
    full = api.capture(reference, 600)
    assert full.json()["aggregate"]["capturedAmount"] == money(1000)

    assert api.refund(reference, 250).json()["aggregate"]["refundedAmount"] == money(250)
    final = api.refund(reference, 750).json()
    assert final["state"] == "AUTHORIZED"  # captures and refunds are events, not states
    assert final["aggregate"]["refundedAmount"] == money(1000)

    events = api.events(reference).json()
    names = [e["name"] for e in events]
    assert names == ["CREATED", "AUTHORIZED", "CAPTURED", "CAPTURED", "REFUNDED", "REFUNDED"]
    assert [e["amount"]["value"] for e in events[2:]] == [400, 600, 250, 750]


def test_cancel_payment__before_approval_terminates(api: RawApi) -> None:
    reference = api.create(value=1500).json()["reference"]
    cancelled = api.cancel(reference)
    assert cancelled.status_code == 200
    body = cancelled.json()
    assert body["state"] == "TERMINATED"
    assert body["aggregate"]["cancelledAmount"] == money(1500)
    assert api.get(reference).json()["state"] == "TERMINATED"


def test_cancel_payment__after_approval_releases_everything(api: RawApi) -> None:
    reference = api.authorized(value=1200)
    body = api.cancel(reference).json()
    assert body["state"] == "AUTHORIZED"  # cancel after approval is an event, not a state
    assert body["aggregate"]["cancelledAmount"] == money(1200)
    assert api.capture(reference, 100).status_code == 400


def test_cancel_payment__after_full_capture_refused(api: RawApi) -> None:
    reference = api.authorized(value=1000)
    api.capture(reference, 1000)
    response = api.cancel(reference)
    assert response.status_code == 400
    assert error_code(response) == "6040"


def test_cancel_payment__after_partial_capture_releases_the_rest(api: RawApi) -> None:
    reference = api.authorized(value=1000)
    api.capture(reference, 250)
    body = api.cancel(reference).json()
    assert body["state"] == "AUTHORIZED"
    assert body["aggregate"]["cancelledAmount"] == money(750)
    assert [e["name"] for e in api.events(reference).json()][-1] == "CANCELLED"


def test_capture_payment__before_approval_refused(api: RawApi) -> None:
    reference = api.create().json()["reference"]
    response = api.capture(reference, 100)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert error_code(response) == "6080"


def test_capture_payment__above_authorized_refused(api: RawApi) -> None:
    reference = api.authorized(value=1000)
    response = api.capture(reference, 1001)
    assert response.status_code == 400
    assert error_code(response) == "6090"
    assert api.get(reference).json()["aggregate"]["capturedAmount"] == money(0)


def test_refund_payment__above_captured_refused(api: RawApi) -> None:
    reference = api.authorized(value=1000)
    api.capture(reference, 300)
    response = api.refund(reference, 301)
    assert response.status_code == 400
    assert error_code(response) == "6150"


def test_get_payment__unknown_reference(api: RawApi) -> None:
    response = api.get(new_reference("unknown"))
    assert response.status_code == 404


def test_create_payment__reused_reference_refused(api: RawApi) -> None:
    reference = api.create().json()["reference"]
    response = api.create(reference)  # a new Idempotency-Key: a new payment, same reference
    assert response.status_code == 409


def test_create_payment__same_idempotency_key_replays(api: RawApi) -> None:
    reference = new_reference()
    first = api.create(reference, key="replay-key-" + reference[-12:])
    again = api.create(reference, key="replay-key-" + reference[-12:])
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert [e["name"] for e in api.events(reference).json()] == ["CREATED"]


def test_forged_token_refused(api: RawApi) -> None:
    response = api.get(new_reference(), Authorization="Bearer forged.token.value")
    assert response.status_code == 401


def test_missing_idempotency_key_refused(api: RawApi) -> None:
    body = {
        "amount": money(1000),
        "paymentMethod": {"type": "WALLET"},
        "reference": new_reference(),
        "userFlow": "QR",
    }
    response = api.send(
        "POST",
        "/epayment/v1/payments",
        headers=api.headers(None),
        json=body,
        check_request=False,  # malformed on purpose: the spec requires Idempotency-Key
    )
    assert response.status_code == 400
