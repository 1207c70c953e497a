"""The sweep touches what is due, not what is open; final payments, idempotency records and quiet
rate-limit windows are forgotten after their retention; the listing comes a page at a time."""

from __future__ import annotations

import pytest
import requests

from simulator import SimulatorServer
from simulator import exceptions as ex
from simulator.clock import SimClock
from simulator.listing import MAX_PAGE, payments_page
from simulator.ratelimit import RateLimiter
from simulator.schedule import DueQueue
from simulator.transitions import TransitionPolicy
from tests.simulator.backend_helpers import MSN, amount, authorized, created, make_backend
from tests.simulator.helpers import Api

DAY = 24 * 3600.0


def test_sweep__touches_only_what_is_due() -> None:
    backend = make_backend(expiry_seconds=600)
    for _ in range(2000):
        created(backend)
    assert backend.sweep() == 0  # 2,000 open, none due: nothing looked at
    backend.clock.advance(601)
    assert backend.sweep() == 2000
    assert backend.sweep() == 0
    assert {p["state"] for p in backend.list_payments()} == {"EXPIRED"}


def test_sweep__in_batches() -> None:
    backend = make_backend(expiry_seconds=60)
    references = [created(backend) for _ in range(25)]
    backend.clock.advance(61)
    assert [backend.sweep(limit=10) for _ in range(4)] == [10, 10, 5, 0]
    assert {backend.payment(MSN, r).state for r in references} == {"EXPIRED"}


def test_sweep__expires_in_due_order_with_their_own_times() -> None:
    backend = make_backend(expiry_seconds=600)
    first = created(backend)
    backend.clock.advance(300)
    second = created(backend)
    backend.clock.advance(301)
    assert backend.sweep() == 1
    assert backend.payment(MSN, first).state == "EXPIRED"
    assert backend.payment(MSN, second).state == "CREATED"


def test_sweep__after_seconds_transition_set_later_applies_to_open_payments() -> None:
    backend = make_backend()
    waiting = created(backend)
    backend.transition = TransitionPolicy("after_seconds", seconds=5)
    backend.clock.advance(6)
    assert backend.sweep() == 1
    assert backend.payment(MSN, waiting).state == "AUTHORIZED"
    backend.transition = TransitionPolicy("manual")
    later = created(backend)
    backend.clock.advance(6)
    assert backend.sweep() == 0 and backend.payment(MSN, later).state == "CREATED"


def test_retention__final_payments_forgotten_after_it() -> None:
    backend = make_backend(retention_seconds=DAY)
    rejected, cancelled = created(backend), created(backend)
    backend.reject(MSN, rejected)
    backend.cancel_payment(MSN, cancelled)
    done = authorized(backend)
    backend.capture_payment(MSN, done, amount(1000), "cap-1")
    backend.refund_payment(MSN, done, amount(1000), "ref-1")
    keeps = [authorized(backend), created(backend)]  # money still to move, or still open
    backend.capture_payment(MSN, keeps[0], amount(500), "cap-2")
    backend.clock.advance(DAY - 1)
    backend.sweep()
    assert backend.count_payments() == 5
    backend.clock.advance(2)
    backend.sweep()
    remaining = [p["reference"] for p in backend.list_payments()]
    assert remaining == keeps  # the CREATED one expired a day after creation: final for 2 s
    assert backend.payment(MSN, keeps[1]).state == "EXPIRED"
    for reference in (rejected, cancelled, done):
        with pytest.raises(ex.ReferenceNotFound):
            backend.get_payment(MSN, reference)


def test_retention__idempotency_records_forgotten_after_it() -> None:
    backend = make_backend(retention_seconds=DAY)
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(100), "cap-1")
    replay = backend.capture_payment(MSN, reference, amount(100), "cap-1")
    assert replay["aggregate"]["capturedAmount"]["value"] == 100
    backend.clock.advance(DAY + 1)
    backend.sweep()
    again = backend.capture_payment(MSN, reference, amount(100), "cap-1")  # a new capture now
    assert again["aggregate"]["capturedAmount"]["value"] == 200
    assert len(backend._idem) == 1


def test_retention__infinite_keeps_everything() -> None:
    backend = make_backend()  # the backend's own default: math.inf
    reference = created(backend)
    backend.reject(MSN, reference)
    backend.clock.advance(10 * 365 * DAY)
    backend.sweep()
    assert backend.payment(MSN, reference).state == "ABORTED"


def test_retention__reset_forgets_the_schedule_too() -> None:
    backend = make_backend(expiry_seconds=60)
    created(backend)
    backend.reset()
    backend.clock.advance(61)
    assert backend.sweep() == 0 and backend.count_payments() == 0


def test_rate_limit_windows__quiet_ones_forgotten() -> None:
    clock = SimClock()
    limiter = RateLimiter(clock)
    for i in range(100):
        limiter.check("get_payment", f"ref-{i}", "key")
    clock.advance(30)
    limiter.check("get_payment", "ref-busy", "key")
    assert limiter.prune() == 0 and len(limiter) == 101
    clock.advance(31)
    assert limiter.prune() == 100 and len(limiter) == 1


def test_due_queue__earliest_first_and_moves() -> None:
    queue: DueQueue[str] = DueQueue()
    for key, due in (("a", 5.0), ("b", 1.0), ("c", 3.0), ("d", 2.0)):
        queue.set(key, due)
    queue.set("b", 9.0)  # moved: its old entry is stale
    queue.set("c", None)  # dropped
    assert queue.pop_due(4.0) == ["d"]
    assert queue.pop_due(100.0) == ["a", "b"]
    assert len(queue) == 0


def test_due_queue__stale_entries_bounded() -> None:
    queue: DueQueue[int] = DueQueue()
    for step in range(20_000):
        queue.set(step % 10, float(step))  # ten keys, ever-moving times
    assert len(queue) == 10 and len(queue._heap) <= 2 * 10 + 1025


def test_listing__pages_with_total_and_next_link() -> None:
    backend = make_backend()
    references = [created(backend) for _ in range(5)]
    items, headers = payments_page(backend, {"limit": "2"})
    assert [p["reference"] for p in items] == references[:2]
    assert headers == {
        "X-Total-Count": "5",
        "Link": '</_sim/payments?limit=2&offset=2>; rel="next"',
    }
    items, headers = payments_page(backend, {"limit": "2", "offset": "4", "msn": MSN})
    assert [p["reference"] for p in items] == references[4:] and "Link" not in headers
    assert payments_page(backend, {"msn": "999999"}) == ([], {"X-Total-Count": "0"})


def test_listing__default_page_is_bounded() -> None:
    backend = make_backend()
    for _ in range(MAX_PAGE + 5):
        created(backend)
    items, headers = payments_page(backend, {})
    assert len(items) == MAX_PAGE and headers["X-Total-Count"] == str(MAX_PAGE + 5)
    assert headers["Link"] == f'</_sim/payments?limit={MAX_PAGE}&offset={MAX_PAGE}>; rel="next"'


@pytest.mark.parametrize(
    "query", [{"limit": "0"}, {"limit": "1001"}, {"limit": "x"}, {"offset": "-1"}, {"limit": "٣"}]
)
def test_listing__bad_paging_400(query: dict[str, str]) -> None:
    with pytest.raises(ex.ValidationFailed):
        payments_page(make_backend(), query)


def test_listing_over_http__pages(sim: SimulatorServer) -> None:
    api = Api(sim)
    references = [api.create().json()["reference"] for _ in range(3)]
    url = f"{sim.base_url}/_sim/payments"
    first = requests.get(url, params={"limit": 2}, timeout=5)
    assert [p["reference"] for p in first.json()] == references[:2]
    assert first.headers["X-Total-Count"] == "3"
    rest = requests.get(sim.base_url + first.links["next"]["url"], timeout=5)
    assert [p["reference"] for p in rest.json()] == references[2:] and "next" not in rest.links
    assert requests.get(url, params={"limit": 0}, timeout=5).status_code == 400
