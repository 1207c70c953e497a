"""Rate limits, the landing page, the QR image, the control plane and fault injection over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from simulator import SimulatorConfig, SimulatorServer
from tests.simulator.helpers import Api, create_body


@pytest.fixture(scope="module")
def limited() -> Iterator[SimulatorServer]:
    with SimulatorServer(SimulatorConfig(rate_limits=True)) as server:
        yield server


def test_rate_limit__writes_five_per_minute_per_reference(limited: SimulatorServer) -> None:
    api = Api(limited)
    reference = api.authorized(1000)
    statuses = [api.capture(reference, 10).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    response = api.capture(reference, 10)
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.json()["status"] == 429
    assert api.refund(reference, 10).status_code == 200  # per endpoint: refunds have their own


def test_rate_limit__reads_120_per_minute_then_window_moves(limited: SimulatorServer) -> None:
    api = Api(limited)
    reference = api.authorized(1000)
    statuses = [api.get(reference).status_code for _ in range(121)]
    assert statuses.count(200) == 120 and statuses[-1] == 429
    assert api.events(reference).status_code == 200
    limited.backend.clock.advance(61)
    assert api.get(reference).status_code == 200


def test_rate_limit__off_by_setting(sim: SimulatorServer) -> None:
    api = Api(sim)
    reference = api.authorized(1000)
    assert {api.get(reference).status_code for _ in range(130)} == {200}


def _landing(sim: SimulatorServer, **extra: object) -> tuple[Api, str, str]:
    api = Api(sim)
    body = create_body(**extra)
    url = api.create(body).json().get("redirectUrl", "")
    return api, body["reference"], url


def test_landing_page__shows_the_payment(sim: SimulatorServer) -> None:
    _, _, url = _landing(sim, paymentDescription="Two <b>socks</b>", value=12_350)
    page = requests.get(url, timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "ePayment Lab Demo Shop" in page.text and "123,50 NOK" in page.text
    assert "Two &lt;b&gt;socks&lt;/b&gt;" in page.text
    assert "id='approve'" in page.text and "id='reject'" in page.text


def test_landing_page__approve_redirects_to_return_url(sim: SimulatorServer) -> None:
    api, reference, url = _landing(sim, returnUrl="https://shop.example/return?order=1")
    response = requests.post(url, data={"action": "approve"}, allow_redirects=False, timeout=5)
    assert response.status_code == 303
    assert response.headers["Location"] == "https://shop.example/return?order=1"
    assert api.get(reference).json()["state"] == "AUTHORIZED"


def test_landing_page__reject(sim: SimulatorServer) -> None:
    api, reference, url = _landing(sim)
    response = requests.post(url, data={"action": "reject"}, allow_redirects=False, timeout=5)
    assert response.status_code == 303
    assert api.get(reference).json()["state"] == "ABORTED"


def test_landing_page__already_handled(sim: SimulatorServer) -> None:
    _, _, url = _landing(sim)
    requests.post(url, data={"action": "reject"}, allow_redirects=False, timeout=5)
    again = requests.post(url, data={"action": "approve"}, allow_redirects=False, timeout=5)
    assert again.status_code == 409 and "cancelled by the user" in again.text
    assert "data-state='ABORTED'" in requests.get(url, timeout=5).text


def test_landing_page__expired(sim: SimulatorServer) -> None:
    _, _, url = _landing(sim)
    sim.backend.clock.advance(601)
    page = requests.get(url, timeout=5)
    assert "has expired" in page.text and "id='approve'" not in page.text


def test_landing_page__unknown_token(sim: SimulatorServer) -> None:
    assert requests.get(f"{sim.base_url}/landing?token=nope", timeout=5).status_code == 404


def test_landing_page__native_redirect_shows_result_page(sim: SimulatorServer) -> None:
    api, reference, url = _landing(sim, userFlow="NATIVE_REDIRECT")
    response = requests.post(url, data={"action": "approve"}, allow_redirects=False, timeout=5)
    assert response.status_code == 200 and "approved" in response.text


@pytest.mark.parametrize(
    ("qr_format", "content_type", "magic"),
    [
        (None, "image/svg+xml", b"<svg"),
        ({"format": "IMAGE/PNG", "size": 200}, "image/png", b"\x89PNG"),
    ],
)
def test_qr_image(
    sim: SimulatorServer, qr_format: dict | None, content_type: str, magic: bytes
) -> None:
    extra: dict[str, object] = {"userFlow": "QR"}
    if qr_format:
        extra["qrFormat"] = qr_format
    _, _, url = _landing(sim, **extra)
    image = requests.get(url, timeout=5)
    assert image.status_code == 200 and image.headers["Content-Type"] == content_type
    assert magic in image.content[:200]


def test_control__payments_list_and_filter(sim: SimulatorServer) -> None:
    api, reference, _ = _landing(sim)
    listed = requests.get(f"{sim.base_url}/_sim/payments", timeout=5).json()
    assert [p["reference"] for p in listed] == [reference]
    assert requests.get(f"{sim.base_url}/_sim/payments?msn=999999", timeout=5).json() == []
    one = requests.get(f"{sim.base_url}/_sim/payments/123456/{reference}", timeout=5).json()
    assert one["state"] == "CREATED" and one["events"][0]["name"] == "CREATED"


def test_control__push_message_payment_has_a_landing_url(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body(userFlow="PUSH_MESSAGE", customer={"phoneNumber": "4712345678"})
    del body["returnUrl"]
    assert "redirectUrl" not in api.create(body).json()
    listed = requests.get(f"{sim.base_url}/_sim/payments", timeout=5).json()
    page = requests.post(listed[0]["landingUrl"], data={"action": "approve"}, timeout=5)
    assert page.status_code == 200 and "approved" in page.text
    assert api.get(body["reference"]).json()["state"] == "AUTHORIZED"


@pytest.mark.parametrize(
    ("action", "state"), [("approve", "AUTHORIZED"), ("reject", "ABORTED"), ("expire", "EXPIRED")]
)
def test_control__user_actions(sim: SimulatorServer, action: str, state: str) -> None:
    api, reference, _ = _landing(sim)
    response = requests.post(f"{sim.base_url}/_sim/payments/123456/{reference}/{action}", timeout=5)
    assert response.status_code == 200 and response.json()["state"] == state
    assert api.get(reference).json()["state"] == state
    again = requests.post(f"{sim.base_url}/_sim/payments/123456/{reference}/{action}", timeout=5)
    assert again.status_code == 400


def test_control__clock_advance_expires_payments(sim: SimulatorServer) -> None:
    api, reference, _ = _landing(sim)
    response = requests.post(f"{sim.base_url}/_sim/clock/advance", json={"seconds": 601}, timeout=5)
    assert response.status_code == 200 and response.json()["offsetSeconds"] >= 601
    assert sim.backend.payment("123456", reference).state == "EXPIRED"
    for seconds in (-1, 1e308, "NaN", True):
        bad = requests.post(
            f"{sim.base_url}/_sim/clock/advance",
            data=f'{{"seconds": {str(seconds).lower() if seconds is True else seconds}}}',
            headers={"Content-Type": "application/json"},
            timeout=5,
        )
        assert bad.status_code == 400, seconds


def test_control__reset(sim: SimulatorServer) -> None:
    _landing(sim)
    assert requests.post(f"{sim.base_url}/_sim/reset", timeout=5).status_code == 200
    assert requests.get(f"{sim.base_url}/_sim/payments", timeout=5).json() == []


def test_control__transitions(sim: SimulatorServer) -> None:
    url = f"{sim.base_url}/_sim/transitions"
    assert requests.post(url, json={"mode": "immediate"}, timeout=5).json()["mode"] == "immediate"
    api, reference, _ = _landing(sim)
    assert api.get(reference).json()["state"] == "AUTHORIZED"
    assert requests.post(url, json={"mode": "nope"}, timeout=5).status_code == 400
    bad_polls = {"mode": "after_polls", "polls": "many"}
    assert requests.post(url, json=bad_polls, timeout=5).status_code == 400


def test_fault__status_answers_without_doing_anything(sim: SimulatorServer) -> None:
    api = Api(sim)
    reference = api.authorized()
    fault = {"operation": "capture_payment", "kind": "status", "status": 503, "count": 1}
    assert requests.post(f"{sim.base_url}/_sim/faults", json=fault, timeout=5).status_code == 201
    assert api.capture(reference, 100, key="f-1").status_code == 503
    assert api.get(reference).json()["aggregate"]["capturedAmount"]["value"] == 0
    assert api.capture(reference, 100, key="f-1").status_code == 200


def test_fault__drop_after_then_retry_replays(sim: SimulatorServer) -> None:
    api = Api(sim)
    reference = api.authorized()
    fault = {"operation": "capture_payment", "kind": "drop_after", "count": 1}
    requests.post(f"{sim.base_url}/_sim/faults", json=fault, timeout=5)
    with pytest.raises(requests.ConnectionError):
        api.capture(reference, 100, key="drop-1")
    retry = api.capture(reference, 100, key="drop-1")
    assert retry.status_code == 200
    assert retry.json()["aggregate"]["capturedAmount"]["value"] == 100
    assert [e["name"] for e in api.events(reference).json()].count("CAPTURED") == 1


def test_fault__drop_before_does_nothing(sim: SimulatorServer) -> None:
    api = Api(sim)
    reference = api.authorized()
    requests.post(
        f"{sim.base_url}/_sim/faults", json={"operation": "*", "kind": "drop_before"}, timeout=5
    )
    with pytest.raises(requests.ConnectionError):
        api.capture(reference, 100)
    assert api.get(reference).json()["aggregate"]["capturedAmount"]["value"] == 0


def test_fault__delay_and_clear(sim: SimulatorServer) -> None:
    url = f"{sim.base_url}/_sim/faults"
    requests.post(
        url, json={"operation": "get_payment", "kind": "delay", "seconds": 0.05}, timeout=5
    )
    assert len(requests.get(url, timeout=5).json()) == 1
    api = Api(sim)
    assert api.get("no-such-reference").status_code == 404  # delayed, then answered
    requests.post(url, json={"operation": "get_payment", "kind": "status"}, timeout=5)
    assert requests.delete(url, timeout=5).json() == []
    assert api.get("no-such-reference").status_code == 404


def test_fault__bad_definition(sim: SimulatorServer) -> None:
    url = f"{sim.base_url}/_sim/faults"
    assert (
        requests.post(url, json={"operation": "x", "kind": "explode"}, timeout=5).status_code == 400
    )
    assert requests.post(url, json={"kind": "status"}, timeout=5).status_code == 400
