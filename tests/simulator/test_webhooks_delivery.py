"""Webhook delivery over real HTTP: every event, in order, signed; retries; isolation; a burst."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from simulator import SimulatorServer
from simulator.webhooks import EPAYMENT_EVENTS, DeliverySettings
from simulator.webhooks.worker_link import WorkerDelivery
from tests.simulator.helpers import Api, create_body, money
from tests.simulator.webhook_helpers import (
    HOOKS,
    ByDeliveryMode,
    Receiver,
    receivers,
    register,
    verify,
    wait_for_attempts,
)

CREATED = "epayments.payment.created.v1"
ALL = list(EPAYMENT_EVENTS)


@pytest.fixture
def fast(delivery_sim: SimulatorServer) -> Iterator[SimulatorServer]:
    """A simulator of each delivery mode with the retry schedule compressed 1000x (2 s -> 2 ms)."""
    delivery_sim.webhooks.settings = DeliverySettings(retry_scale=0.001)
    yield delivery_sim
    delivery_sim.reset()  # also restores the configured settings and drops queued deliveries


@pytest.fixture
def fast_worker(by_delivery_mode: ByDeliveryMode) -> Iterator[SimulatorServer]:
    """A simulator delivering from a worker process, the retry schedule compressed 1000x."""
    sim = by_delivery_mode.get("worker")
    sim.reset()
    sim.webhooks.settings = DeliverySettings(retry_scale=0.001)
    yield sim
    sim.reset()


def control(sim: SimulatorServer) -> dict[str, dict[str, Any]]:
    body = requests.get(f"{sim.base_url}/_sim/webhooks", timeout=10).json()
    return {hook["id"]: hook for hook in body["webhooks"]}


def by_reference(received: list[Any]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = defaultdict(list)
    for delivery in received:
        names[delivery.json()["reference"]].append(delivery.json()["name"])
    return names


def walk_every_event(sim: SimulatorServer, api: Api) -> list[str]:
    """Four payments whose events cover all eight types; returns their references."""
    msn = api.unit.merchant_serial_number
    full = api.authorized()
    assert api.capture(full, 300).status_code == 200
    assert api.refund(full, 100).status_code == 200
    assert api.cancel(full).status_code == 200  # CANCELLED: the rest of the authorization
    others = [create_body() for _ in range(3)]
    for body in others:
        assert api.create(body).status_code == 201
    terminated, aborted, expired = (b["reference"] for b in others)
    assert api.cancel(terminated).status_code == 200
    for reference, action in ((aborted, "reject"), (expired, "expire")):
        url = f"{sim.base_url}/_sim/payments/{msn}/{reference}/{action}"
        assert requests.post(url, timeout=10).status_code == 200
    return [full, terminated, aborted, expired]


def test_delivery__every_event_in_order_signed(fast: SimulatorServer) -> None:
    api = Api(fast)
    with receivers(Receiver(), Receiver()) as (everything, created_only):
        hook = register(api, everything.url, ALL)
        register(api, created_only.url, [CREATED])
        references = walk_every_event(fast, api)
        received = everything.wait_for(11)
        assert {d.json()["name"] for d in received} == {e.split(".")[2].upper() for e in ALL}
        for reference, names in by_reference(received).items():
            log = api.events(reference).json()
            assert names == [e["name"] for e in log]  # in order, per payment
            payloads = [d.json() for d in received if d.json()["reference"] == reference]
            for payload, event in zip(payloads, log, strict=True):
                expected = {k: v for k, v in event.items() if v is not None}
                assert payload == {"msn": api.unit.merchant_serial_number, **expected}
        assert all(verify(hook["secret"], d) for d in received)
        assert all(d.path == "/hooks/in?source=sim" for d in received)
        only = created_only.wait_for(4)
        assert sorted(d.json()["reference"] for d in only) == sorted(references)
        assert {d.json()["name"] for d in only} == {"CREATED"}


def test_delivery__refused_first_attempt_retried_with_same_body(fast: SimulatorServer) -> None:
    api = Api(fast)
    with receivers(Receiver(statuses=(500, 404))) as (receiver,):
        hook = register(api, receiver.url, ALL)
        reference = api.authorized()
        received = receiver.wait_for(4)
        names = [d.json()["name"] for d in received]
        assert names == ["CREATED", "CREATED", "CREATED", "AUTHORIZED"]  # AUTHORIZED waited
        assert received[0].body == received[1].body == received[2].body
        assert all(verify(hook["secret"], d) for d in received)
        attempts = wait_for_attempts(fast.base_url, hook["id"], 4)
        assert [(a["attempt"], a["status"], a["outcome"]) for a in attempts[:3]] == [
            (1, 500, "failed"),
            (2, 404, "failed"),
            (3, 200, "delivered"),
        ]
        assert attempts[0]["nextRetryAt"] and attempts[0]["reference"] == reference


def test_delivery__no_answer_in_time_is_a_failure(fast: SimulatorServer) -> None:
    fast.webhooks.settings = DeliverySettings(retry_scale=0.001, timeout_seconds=0.2)
    api = Api(fast)
    with receivers(Receiver(hang=True)) as (receiver,):
        hook = register(api, receiver.url, [CREATED])
        assert api.create().status_code == 201
        receiver.wait_for(2)  # the first attempt timed out, so a second one came
        attempts = wait_for_attempts(fast.base_url, hook["id"], 1)
        assert attempts[0]["status"] is None and "no answer" in attempts[0]["error"]


def test_delivery__hanging_receiver_stalls_no_one_else(fast: SimulatorServer) -> None:
    api = Api(fast)
    with receivers(Receiver(hang=True), Receiver()) as (hanging, healthy):
        register(api, hanging.url, ALL)
        register(api, healthy.url, ALL)
        reference = api.authorized()  # both API calls answered while `hanging` holds CREATED
        assert api.capture(reference, 100).status_code == 200
        assert [d.json()["name"] for d in healthy.wait_for(3)] == [
            "CREATED",
            "AUTHORIZED",
            "CAPTURED",
        ]
        assert len(hanging.wait_for(1)) == 1  # still held; later events wait behind it
        hanging.release()
        assert [d.json()["name"] for d in hanging.wait_for(3)][1:] == ["AUTHORIZED", "CAPTURED"]


def test_delivery__deleted_registration_gets_nothing(fast: SimulatorServer) -> None:
    api = Api(fast)
    with receivers(Receiver(), Receiver()) as (gone, kept):
        deleted = register(api, gone.url, ALL)
        register(api, kept.url, ALL)
        assert api.call("DELETE", f"{HOOKS}/{deleted['id']}", None).status_code == 204
        api.authorized()
        kept.wait_for(2)
        assert gone.received == []
        assert list(control(fast)) != [deleted["id"]]


def test_delivery__burst_of_1000_events_exactly_once(fast: SimulatorServer) -> None:
    backend, msn = fast.backend, fast.sales_units[0].merchant_serial_number
    api = Api(fast)
    with receivers(Receiver(), Receiver()) as pair:
        hooks = [register(api, r.url, ALL) for r in pair]
        references = []
        for _ in range(250):  # 4 events each
            body = create_body()
            backend.create_payment(msn, body, uuid.uuid4().hex)
            backend.force_approve(msn, body["reference"])
            backend.capture_payment(msn, body["reference"], money(500), uuid.uuid4().hex)
            backend.refund_payment(msn, body["reference"], money(100), uuid.uuid4().hex)
            references.append(body["reference"])
        expected = {
            (e["pspReference"], e["name"])
            for reference in references
            for e in backend.get_payment_event_log(msn, reference)
        }
        assert len(expected) == 1000
        for receiver, hook in zip(pair, hooks, strict=True):
            received = receiver.wait_for(1000)
            assert {(d.json()["pspReference"], d.json()["name"]) for d in received} == expected
            orders = by_reference(received).values()
            assert all(n == ["CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED"] for n in orders)
            wait_for_attempts(fast.base_url, hook["id"], 1000)  # each answer recorded
            stats = control(fast)[hook["id"]]
            assert (stats["delivered"], stats["failedAttempts"], stats["pending"]) == (1000, 0, 0)
            assert len(receiver.received) == 1000  # no attempt beyond the 1000 delivered


def test_delivery__worker_that_dies_is_restarted(fast_worker: SimulatorServer) -> None:
    api = Api(fast_worker)
    with receivers(Receiver()) as (receiver,):
        hook = register(api, receiver.url, ALL)
        api.authorized()
        receiver.wait_for(2)
        deliverer = fast_worker.webhooks.deliverer
        assert isinstance(deliverer, WorkerDelivery)
        worker = deliverer.process
        assert worker is not None
        worker.kill()
        worker.wait(10)
        reference = api.authorized()  # the next message finds it dead and starts another
        received = receiver.wait_for(4)
        assert [d.json()["reference"] for d in received[2:]] == [reference] * 2
        assert all(verify(hook["secret"], d) for d in received)


def test_delivery__given_up_after_the_horizon_then_the_queue_moves_on(
    fast: SimulatorServer,
) -> None:
    """A 5 s horizon on the schedule (2 s, 2 s, ...): the third failure is the last attempt."""
    fast.webhooks.settings = DeliverySettings(retry_scale=0.001, give_up_seconds=5)
    api = Api(fast)
    with receivers(Receiver(statuses=(500, 500, 500))) as (receiver,):
        hook = register(api, receiver.url, ALL)
        api.authorized()
        names = [d.json()["name"] for d in receiver.wait_for(4)]
        assert names == ["CREATED"] * 3 + ["AUTHORIZED"]
        attempts = wait_for_attempts(fast.base_url, hook["id"], 4)
        assert [a["outcome"] for a in attempts] == ["failed", "failed", "gave_up", "delivered"]
        assert attempts[2]["nextRetryAt"] is None
        stats = control(fast)[hook["id"]]
        assert (stats["gaveUp"], stats["delivered"], stats["pending"]) == (1, 1, 0)
