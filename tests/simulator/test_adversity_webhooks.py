"""Webhook adversity over real HTTP, in both delivery modes: late, twice, out of order, refused
first and forged, each for the next payment only."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from simulator import SimulatorServer
from tests.simulator.helpers import Api, create_body
from tests.simulator.test_adversity import arm, eventually, listing
from tests.simulator.webhook_helpers import Receiver, receivers, register, verify

AUTHORIZED, CAPTURED = "epayments.payment.authorized.v1", "epayments.payment.captured.v1"


@pytest.fixture
def hooks(delivery_sim: SimulatorServer) -> Iterator[SimulatorServer]:
    """Each delivery mode, reset through the control plane, retries 100x sooner."""
    base = delivery_sim.base_url
    assert requests.post(f"{base}/_sim/reset", timeout=10).status_code == 200
    requests.post(f"{base}/_sim/webhooks/settings", json={"retryScale": 0.01}, timeout=10)
    yield delivery_sim
    requests.post(f"{base}/_sim/reset", timeout=10)


def authorized(api: Api) -> str:
    body = create_body()
    assert api.create(body).status_code == 201
    assert api.approve(body["reference"]).status_code == 200
    return body["reference"]


def names(receiver: Receiver, count: int) -> list[tuple[str, str]]:
    return [(r.json()["reference"], r.json()["name"]) for r in receiver.wait_for(count)]


def attempts(sim: SimulatorServer) -> list[dict]:
    body = requests.get(f"{sim.base_url}/_sim/webhooks", timeout=10).json()
    return body["webhooks"][0]["attempts"]


def test_webhook_twice__the_first_event_of_the_next_payment(hooks: SimulatorServer) -> None:
    api = Api(hooks)
    with receivers(Receiver()) as (receiver,):
        secret = register(api, receiver.url, [AUTHORIZED])["secret"]
        arm(hooks, "webhook_twice")
        first, second = authorized(api), authorized(api)
        got = names(receiver, 3)
        assert sorted(got) == sorted([(first, "AUTHORIZED")] * 2 + [(second, "AUTHORIZED")])
        assert all(verify(secret, r) for r in receiver.received)
        time.sleep(0.2)
        assert len(receiver.received) == 3
    assert listing(hooks)["fired"][0]["outcome"] == "AUTHORIZED delivered twice"


def test_webhook_refused_first__retried_and_logged(hooks: SimulatorServer) -> None:
    api = Api(hooks)
    with receivers(Receiver()) as (receiver,):
        register(api, receiver.url, [AUTHORIZED])
        arm(hooks, "webhook_refused_first")
        reference = authorized(api)
        received = receiver.wait_for(2)
        assert received[0].body == received[1].body  # the same event, sent again
        log = eventually(lambda: (a := attempts(hooks)) and len(a) >= 2 and a)
    first, retry = log[0], log[1]
    assert (first["status"], first["outcome"], first["adversity"]) == (
        200,
        "failed",
        "webhook_refused_first",
    )
    assert (retry["attempt"], retry["outcome"], retry["reference"]) == (2, "delivered", reference)


def test_webhook_late__later_events_wait_behind_it(hooks: SimulatorServer) -> None:
    api = Api(hooks)
    with receivers(Receiver()) as (receiver,):
        register(api, receiver.url, [AUTHORIZED, CAPTURED])
        arm(hooks, "webhook_late", seconds=0.5)
        started = time.monotonic()
        reference = authorized(api)
        assert api.capture(reference, 1000).status_code == 200
        assert names(receiver, 2) == [(reference, "AUTHORIZED"), (reference, "CAPTURED")]
        assert time.monotonic() - started >= 0.5


def test_webhook_out_of_order__the_next_event_first(hooks: SimulatorServer) -> None:
    api = Api(hooks)
    with receivers(Receiver()) as (receiver,):
        register(api, receiver.url, [AUTHORIZED, CAPTURED])
        arm(hooks, "webhook_out_of_order")
        reference = authorized(api)
        time.sleep(0.1)
        assert receiver.received == []  # held until the next event
        assert api.capture(reference, 1000).status_code == 200
        assert names(receiver, 2) == [(reference, "CAPTURED"), (reference, "AUTHORIZED")]


def test_webhook_forged__a_bad_signature_for_an_unpaid_payment(hooks: SimulatorServer) -> None:
    api = Api(hooks)
    with receivers(Receiver(statuses=(401,))) as (receiver,):
        secret = register(api, receiver.url, [AUTHORIZED])["secret"]
        arm(hooks, "webhook_forged")
        body = create_body()
        assert api.create(body).status_code == 201
        (forged,) = receiver.wait_for(1)
        assert forged.json()["name"] == "AUTHORIZED"
        assert forged.json()["reference"] == body["reference"]
        assert not verify(secret, forged)
        log = eventually(lambda: attempts(hooks))
        assert (log[0]["outcome"], log[0]["status"], log[0]["adversity"]) == (
            "refused",
            401,
            "webhook_forged",
        )
        state = api.get(body["reference"]).json()["state"]
        assert state == "CREATED"  # the payment itself never moved
