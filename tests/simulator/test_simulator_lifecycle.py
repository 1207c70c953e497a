"""User actions, expiry, transition policies, listeners and thread safety of the backend."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from simulator import TransitionPolicy
from simulator import exceptions as ex
from tests.simulator.backend_helpers import (
    MSN,
    agg,
    amount,
    authorized,
    body,
    created,
    make_backend,
)


def state(backend: Any, reference: str) -> str:
    return backend.get_payment(MSN, reference)["state"]


def test_approve() -> None:
    backend = make_backend()
    reference = created(backend)
    assert backend.approve(MSN, reference) == "AUTHORIZED"
    events = backend.get_payment_event_log(MSN, reference)
    assert events[1]["name"] == "AUTHORIZED"
    assert events[1]["idempotencyKey"] == events[0]["idempotencyKey"]  # carries the create key


def test_approve__declined_test_amount() -> None:
    backend = make_backend()
    reference = created(backend, value=151)  # "insufficient funds" in the test environment
    assert backend.approve(MSN, reference) == "ABORTED"
    events = backend.get_payment_event_log(MSN, reference)
    assert [(e["name"], e["success"]) for e in events] == [
        ("CREATED", True),
        ("AUTHORIZED", False),
        ("ABORTED", True),
    ]
    assert agg(backend, reference)["authorized"] == 0


def test_approve__already_handled() -> None:
    backend = make_backend()
    reference = created(backend)
    backend.reject(MSN, reference)
    with pytest.raises(ex.ApproveNotAllowed):
        backend.approve(MSN, reference)


def test_reject() -> None:
    backend = make_backend()
    reference = created(backend)
    assert backend.reject(MSN, reference) == "ABORTED"
    assert state(backend, reference) == "ABORTED"


def test_expire() -> None:
    backend = make_backend()
    reference = created(backend)
    assert backend.expire(MSN, reference) == "EXPIRED"


def test_expiry__after_ten_minutes_by_clock() -> None:
    backend = make_backend()
    reference = created(backend)
    backend.clock.advance(599)
    assert state(backend, reference) == "CREATED"
    backend.clock.advance(2)
    assert state(backend, reference) == "EXPIRED"
    events = backend.get_payment_event_log(MSN, reference)
    assert events[-1]["name"] == "EXPIRED"
    created_at = datetime.fromisoformat(events[0]["timestamp"])
    expired_at = datetime.fromisoformat(events[-1]["timestamp"])
    assert abs((expired_at - created_at).total_seconds() - 600) < 0.001


def test_expiry__configurable() -> None:
    backend = make_backend(expiry_seconds=30)
    reference = created(backend)
    backend.clock.advance(31)
    backend.sweep()
    assert backend.payment(MSN, reference).state == "EXPIRED"


def test_expiry__authorized_payment_stays() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.clock.advance(3600)
    assert state(backend, reference) == "AUTHORIZED"


def test_expiry__long_living_expires_at() -> None:
    backend = make_backend()
    at = datetime.now(UTC) + timedelta(hours=2)
    data = body(
        userFlow="QR",
        expiresAt=at.isoformat().replace("+00:00", "Z"),
        receipt={"orderLines": [{"name": "x"}], "bottomLine": {"currency": "NOK"}},
    )
    backend.create_payment(MSN, data, "k")
    backend.clock.advance(3600)
    assert state(backend, data["reference"]) == "CREATED"
    backend.clock.advance(3700)
    assert state(backend, data["reference"]) == "EXPIRED"


def test_transition__immediate() -> None:
    backend = make_backend(transition=TransitionPolicy("immediate"))
    assert state(backend, created(backend)) == "AUTHORIZED"


def test_transition__after_polls() -> None:
    backend = make_backend(transition=TransitionPolicy("after_polls", polls=3))
    reference = created(backend)
    assert [state(backend, reference) for _ in range(3)] == ["CREATED", "CREATED", "AUTHORIZED"]


def test_transition__after_seconds() -> None:
    backend = make_backend(transition=TransitionPolicy("after_seconds", seconds=5))
    reference = created(backend)
    assert state(backend, reference) == "CREATED"
    backend.clock.advance(5)
    assert state(backend, reference) == "AUTHORIZED"


def test_transition__bad_mode() -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        TransitionPolicy("sometimes")  # type: ignore[arg-type]


def test_listeners_see_every_event_once() -> None:
    backend = make_backend()
    seen: list[tuple[str, str, int]] = []
    backend.add_listener(
        lambda msn, event: seen.append((msn, event["name"], event["amount"]["value"]))
    )
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(400), "cap")
    backend.capture_payment(MSN, reference, amount(400), "cap")  # replay: no new event
    backend.refund_payment(MSN, reference, amount(100), "ref")
    backend.cancel_payment(MSN, reference)
    assert seen == [
        (MSN, "CREATED", 1000),
        (MSN, "AUTHORIZED", 1000),
        (MSN, "CAPTURED", 400),
        (MSN, "REFUNDED", 100),
        (MSN, "CANCELLED", 600),
    ]


def test_listeners__a_broken_listener_does_not_break_payments() -> None:
    backend = make_backend()

    def broken(msn: str, event: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    backend.add_listener(broken)
    assert state(backend, authorized(backend)) == "AUTHORIZED"


def test_reset_forgets_everything() -> None:
    backend = make_backend()
    reference = created(backend)
    backend.clock.advance(100)
    backend.reset()
    assert backend.list_payments() == [] and backend.clock.offset == 0
    with pytest.raises(ex.ReferenceNotFound):
        backend.get_payment(MSN, reference)


def test_seeded_backends_give_the_same_psp_references() -> None:
    first, second = make_backend(), make_backend()
    refs = [created(first), created(first)]
    for reference in refs:
        data = body(reference=reference)
        second.create_payment(MSN, data, "k-" + reference)
    assert [first.get_payment(MSN, r)["pspReference"] for r in refs] == [
        second.get_payment(MSN, r)["pspReference"] for r in refs
    ]


def _hammer(count: int, fn: Any) -> list[Any]:
    results: list[Any] = []
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results.append(fn(i))
        except ex.ProblemError as exc:
            results.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_capture_payment__concurrent_never_exceeds_authorized() -> None:
    backend = make_backend()
    reference = authorized(backend)
    results = _hammer(20, lambda i: backend.capture_payment(MSN, reference, amount(150), f"c-{i}"))
    ok = [r for r in results if isinstance(r, dict)]
    assert len(ok) == 6 and agg(backend, reference)["captured"] == 900


def test_refund_payment__concurrent_never_exceeds_captured() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(500), "cap")
    results = _hammer(20, lambda i: backend.refund_payment(MSN, reference, amount(100), f"r-{i}"))
    assert sum(isinstance(r, dict) for r in results) == 5
    assert agg(backend, reference)["refunded"] == 500
