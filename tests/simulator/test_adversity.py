"""Adversity over real HTTP: armed through /_sim/adversity for the next payment, then disarmed."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from simulator import SimulatorServer
from tests.simulator.helpers import Api, create_body

WAIT = 10.0


@pytest.fixture
def adv(sim: SimulatorServer) -> SimulatorServer:
    """The shared simulator after a control-plane reset (which also clears adversity)."""
    assert requests.post(f"{sim.base_url}/_sim/reset", timeout=10).status_code == 200
    return sim


def arm(sim: SimulatorServer, behaviour: str, **extra: Any) -> dict[str, Any]:
    body = {"msn": sim.sales_units[0].merchant_serial_number, "behaviour": behaviour, **extra}
    answer = requests.post(f"{sim.base_url}/_sim/adversity", json=body, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()


def listing(sim: SimulatorServer) -> dict[str, list[dict[str, Any]]]:
    return requests.get(f"{sim.base_url}/_sim/adversity", timeout=10).json()


def eventually(check: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + WAIT
    while not (result := check()):
        assert time.monotonic() < deadline, "the adversity never happened"
        time.sleep(0.02)
    return result


def state(sim: SimulatorServer, reference: str) -> str:
    msn = sim.sales_units[0].merchant_serial_number
    return requests.get(f"{sim.base_url}/_sim/payments/{msn}/{reference}", timeout=10).json()[
        "state"
    ]


def created(api: Api) -> str:
    body = create_body()
    assert api.create(body).status_code == 201
    return body["reference"]


def test_arm_adversity__refused_naming_the_field(adv: SimulatorServer) -> None:
    url = f"{adv.base_url}/_sim/adversity"
    cases = [
        ({"msn": "999", "behaviour": "approve"}, "msn"),
        ({"msn": "123456", "behaviour": "dance"}, "behaviour"),
        ({"msn": "123456", "behaviour": "approve_after", "seconds": -1}, "seconds"),
        ({"msn": "123456", "behaviour": "get_429", "count": 0}, "count"),
        ([], "body"),
    ]
    for body, field in cases:
        answer = requests.post(url, json=body, timeout=10)
        assert answer.status_code == 400, body
        assert answer.json()["extraDetails"][0]["name"] == field
    assert listing(adv) == {"armed": [], "fired": []}


def test_list_and_clear_adversity(adv: SimulatorServer) -> None:
    armed = arm(adv, "reject")
    assert armed["status"] == "armed" and armed["reference"] is None
    assert [a["id"] for a in listing(adv)["armed"]] == [armed["id"]]
    cleared = requests.delete(f"{adv.base_url}/_sim/adversity", timeout=10).json()
    assert cleared["armed"] == []
    reference = created(Api(adv))
    time.sleep(0.2)
    assert state(adv, reference) == "CREATED"  # disarmed: nothing happened to it


def test_adversity_approve__next_payment_only(adv: SimulatorServer) -> None:
    api = Api(adv)
    armed = arm(adv, "approve")
    first, second = created(api), created(api)
    eventually(lambda: state(adv, first) == "AUTHORIZED")
    fired = listing(adv)["fired"]
    assert [(f["id"], f["reference"], f["status"]) for f in fired] == [
        (armed["id"], first, "fired")
    ]
    assert listing(adv)["armed"] == []
    assert state(adv, second) == "CREATED"


def test_adversity_reject__queued_behind_one_another(adv: SimulatorServer) -> None:
    api = Api(adv)
    arm(adv, "reject")
    arm(adv, "approve")  # same slot: waits for the payment after
    first, second = created(api), created(api)
    eventually(lambda: state(adv, first) == "ABORTED")
    eventually(lambda: state(adv, second) == "AUTHORIZED")


def test_adversity_never__the_payment_expires(adv: SimulatorServer) -> None:
    arm(adv, "never")
    reference = created(Api(adv))
    assert listing(adv)["fired"][0]["reference"] == reference
    requests.post(f"{adv.base_url}/_sim/clock/advance", json={"seconds": 601}, timeout=10)
    assert state(adv, reference) == "EXPIRED"


def test_adversity_approve_after__simulated_seconds(adv: SimulatorServer) -> None:
    arm(adv, "approve_after", seconds=120)
    reference = created(Api(adv))
    time.sleep(0.2)
    assert state(adv, reference) == "CREATED"
    assert listing(adv)["armed"][0]["status"] == "waiting"
    requests.post(f"{adv.base_url}/_sim/clock/advance", json={"seconds": 121}, timeout=10)
    eventually(lambda: state(adv, reference) == "AUTHORIZED")
    assert listing(adv)["fired"][0]["behaviour"] == "approve_after"


def test_adversity_capture_503__once_then_disarmed(adv: SimulatorServer) -> None:
    api = Api(adv)
    arm(adv, "capture_503")
    reference = created(api)
    assert api.approve(reference).status_code == 200
    assert api.capture(reference, 1000, key="k-1").status_code == 503
    assert state(adv, reference) == "AUTHORIZED"  # nothing was captured
    assert api.capture(reference, 1000, key="k-1").status_code == 200
    fired = listing(adv)["fired"]
    assert fired[0]["behaviour"] == "capture_503" and fired[0]["taken"] == 1
    assert requests.get(f"{adv.base_url}/_sim/faults", timeout=10).json() == []


def test_adversity_capture_dropped__done_but_unanswered(adv: SimulatorServer) -> None:
    api = Api(adv)
    arm(adv, "capture_dropped")
    reference = created(api)
    assert api.approve(reference).status_code == 200
    with pytest.raises(requests.ConnectionError):
        api.capture(reference, 1000, key="k-1")
    assert api.get(reference).json()["aggregate"]["capturedAmount"]["value"] == 1000
    replay = api.capture(reference, 1000, key="k-1")  # the same key: the same answer, once
    assert replay.status_code == 200
    assert replay.json()["aggregate"]["capturedAmount"]["value"] == 1000


def test_adversity_get_429__for_a_count(adv: SimulatorServer) -> None:
    api = Api(adv)
    armed = arm(adv, "get_429", count=2)
    assert armed["count"] == 2
    reference = created(api)
    assert [api.get(reference).status_code for _ in range(3)] == [429, 429, 200]
    assert listing(adv)["fired"][0]["taken"] == 2


def test_adversity_capture_503__only_its_own_payment_is_hit(adv: SimulatorServer) -> None:
    api = Api(adv)
    arm(adv, "capture_503")
    targeted, other = created(api), created(api)  # the first payment after arming gets it
    for reference in (targeted, other):
        assert api.approve(reference).status_code == 200
    assert api.capture(other, 1000, key="k-other").status_code == 200  # another payment: untouched
    assert api.capture(targeted, 1000, key="k-1").status_code == 503


def test_adversity_get_429__says_when_to_come_back(adv: SimulatorServer) -> None:
    api = Api(adv)
    arm(adv, "get_429")
    reference = created(api)
    refused = api.get(reference)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
