"""Every ePayment endpoint over real HTTP: statuses, bodies, content types, idempotency, threads."""

from __future__ import annotations

import threading

import requests

from simulator import SimulatorServer
from tests.simulator.helpers import PAYMENTS, Api, create_body


def test_quick_start_flow(sim: SimulatorServer) -> None:
    api = Api(sim)
    reference = api.authorized(1000)
    capture = api.capture(reference, 600)
    assert capture.status_code == 200
    assert capture.json()["aggregate"]["capturedAmount"]["value"] == 600
    refund = api.refund(reference, 200)
    assert refund.status_code == 200 and refund.json()["state"] == "AUTHORIZED"
    cancel = api.cancel(reference)
    assert cancel.status_code == 200
    assert cancel.json()["aggregate"]["cancelledAmount"]["value"] == 400
    events = api.events(reference)
    assert events.status_code == 200
    assert [e["name"] for e in events.json()] == [
        "CREATED",
        "AUTHORIZED",
        "CAPTURED",
        "REFUNDED",
        "CANCELLED",
    ]


def test_force_approve(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body()
    api.create(body)
    response = api.approve(body["reference"], {"customer": {"phoneNumber": "4712345678"}})
    assert response.status_code == 200 and response.content == b""
    assert api.get(body["reference"]).json()["state"] == "AUTHORIZED"


def test_force_approve__no_body(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body()
    api.create(body)
    assert (
        api.call(
            "POST", f"/epayment/v1/test/payments/{body['reference']}/approve", None
        ).status_code
        == 200
    )


def test_capture_payment__content_type_follows_the_spec(sim: SimulatorServer) -> None:
    api = Api(sim)
    response = api.capture(api.authorized(), 100)
    assert response.headers["Content-Type"] == "application/problem+json"


def test_capture_payment__before_approval(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body()
    api.create(body)
    response = api.capture(body["reference"], 100)
    assert response.status_code == 400
    problem = response.json()
    assert problem["title"] == "Cannot capture before reservation"
    assert problem["extraDetails"] == [{"name": "ErrorCode", "reason": "6080"}]
    assert problem["instance"] == f"/v1/payments/{body['reference']}/capture"


def test_capture_payment__above_authorized(sim: SimulatorServer) -> None:
    api = Api(sim)
    response = api.capture(api.authorized(1000), 1001)
    assert response.status_code == 400 and response.json()["extraDetails"][0]["reason"] == "6090"


def test_refund_payment__above_captured(sim: SimulatorServer) -> None:
    api = Api(sim)
    reference = api.authorized(1000)
    api.capture(reference, 300)
    response = api.refund(reference, 301)
    assert response.status_code == 400 and response.json()["extraDetails"][0]["reason"] == "6150"


def test_cancel_payment__before_approval(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body()
    api.create(body)
    response = api.cancel(body["reference"], {"cancelTransactionOnly": True})
    assert response.status_code == 200 and response.json()["state"] == "TERMINATED"


def test_unknown_reference_everywhere(sim: SimulatorServer) -> None:
    api = Api(sim)
    for response in (
        api.get("unknown-reference"),
        api.events("unknown-reference"),
        api.capture("unknown-reference", 100),
        api.refund("unknown-reference", 100),
        api.cancel("unknown-reference"),
        api.approve("unknown-reference"),
    ):
        assert response.status_code == 404
        assert response.json()["extraDetails"] == [{"name": "ErrorCode", "reason": "5090"}]


def test_create_payment__replay_returns_same_status_and_body(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body()
    first = api.create(body, key="create-key-1")
    second = api.create(body, key="create-key-1")
    assert (
        (second.status_code, second.content)
        == (first.status_code, first.content)
        == (201, first.content)
    )


def test_create_payment__same_key_other_body(sim: SimulatorServer) -> None:
    api = Api(sim)
    api.create(create_body(), key="create-key-2")
    response = api.create(create_body(), key="create-key-2")
    assert response.status_code == 409


def test_create_payment__reused_reference(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body()
    api.create(body)
    response = api.create(body)
    assert response.status_code == 409
    assert response.json()["extraDetails"] == [{"name": "ErrorCode", "reason": "4150"}]


def test_create_payment__4xx_is_sticky(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body(value=10)
    first = api.create(body, key="sticky-key")
    assert first.status_code == 400
    assert api.create(body, key="sticky-key").content == first.content


def test_capture_payment__replay(sim: SimulatorServer) -> None:
    api = Api(sim)
    reference = api.authorized()
    first = api.capture(reference, 100, key="cap-key")
    second = api.capture(reference, 100, key="cap-key")
    assert second.status_code == 200 and second.content == first.content
    assert api.capture(reference, 200, key="cap-key").status_code == 409
    assert api.get(reference).json()["aggregate"]["capturedAmount"]["value"] == 100


def _parallel(count: int, call) -> list[int]:  # noqa: ANN001
    statuses: list[int] = []
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        barrier.wait()
        statuses.append(call(i).status_code)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_capture_payment__20_parallel_captures_cannot_exceed_authorized(
    sim: SimulatorServer,
) -> None:
    api = Api(sim)
    reference = api.authorized(1000)
    statuses = _parallel(20, lambda i: Api.capture(api, reference, 300, key=f"par-{i}"))
    assert sorted(statuses) == [200] * 3 + [400] * 17
    assert api.get(reference).json()["aggregate"]["capturedAmount"]["value"] == 900


def test_capture_payment__parallel_same_key_captures_once(sim: SimulatorServer) -> None:
    api = Api(sim)
    reference = api.authorized(1000)
    statuses = _parallel(10, lambda i: Api.capture(api, reference, 100, key="same-parallel"))
    assert statuses == [200] * 10
    assert api.get(reference).json()["aggregate"]["capturedAmount"]["value"] == 100


def test_refund_payment__parallel_refunds_cannot_exceed_captured(sim: SimulatorServer) -> None:
    api = Api(sim)
    reference = api.authorized(1000)
    api.capture(reference, 500)
    statuses = _parallel(20, lambda i: Api.refund(api, reference, 200, key=f"rpar-{i}"))
    assert statuses.count(200) == 2
    assert api.get(reference).json()["aggregate"]["refundedAmount"]["value"] == 400


def test_get_payment_event_log(sim: SimulatorServer) -> None:
    api = Api(sim)
    body = create_body()
    api.create(body, key="events-key")
    events = api.events(body["reference"]).json()
    assert len(events) == 1
    event = events[0]
    assert event["name"] == "CREATED" and event["idempotencyKey"] == "events-key"
    assert event["success"] is True and event["timestamp"].endswith("Z")
    assert event["pspReference"] == api.get(body["reference"]).json()["pspReference"]


def test_unknown_path_and_method(sim: SimulatorServer) -> None:
    assert requests.get(f"{sim.base_url}/epayment/v2/nothing", timeout=5).status_code == 404
    response = requests.delete(f"{sim.base_url}{PAYMENTS}", timeout=5)
    assert response.status_code == 405
    assert response.headers["Content-Type"] == "application/problem+json"
