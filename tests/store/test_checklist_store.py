"""The checklist answered by the store's queries (both backends) equals the checklist of the
same exchanges as a list: every item's status, hint, proof count, newest ids and references,
targets and age, on hand-built logs and on many random cuts of them."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from lib.checklist import ChecklistResult, evaluate
from lib.checklist.evaluate import evaluate_store
from lib.exchange import Exchange
from lib.recorder import ExchangeFilter, Recorder, RunFilter
from tests.checklist.checklist_logs import BASE, NOW, LogBuilder, amounts, complete_log

TARGETS = ("test", "simulator", "production", "custom")


def _same(listed: ChecklistResult, stored: ChecklistResult) -> None:
    assert stored.exchange_count == listed.exchange_count
    assert (stored.first_at, stored.last_at) == (listed.first_at, listed.last_at)
    for mine, theirs in zip(stored.items, listed.items, strict=True):
        assert mine == theirs, mine.item.id


def _check(recorder: Recorder, exchanges: list[Exchange]) -> None:
    for e in exchanges:
        recorder.record(replace(e, id=None))
    stored = recorder.exchanges()  # as redacted and stored: both evaluations read these
    _same(evaluate(stored, now=NOW), evaluate_store(recorder.store, now=NOW))


def _complete(target: str = "test", days_ago: int = 1) -> list[Exchange]:
    return complete_log(LogBuilder(at=NOW - timedelta(days=days_ago), target=target)).exchanges


def test_complete_log_on_test(recorder: Recorder) -> None:
    _check(recorder, _complete())


def test_complete_log_with_webhooks_and_production(recorder: Recorder) -> None:
    b = complete_log(LogBuilder())
    b.delivery("acme-order-1")
    b.delivery("acme-order-9", verdict="refused")
    _check(recorder, b.exchanges + _complete("production"))


@pytest.mark.parametrize(("target", "days_ago"), [("simulator", 1), ("test", 40), ("custom", 2)])
def test_rehearsed_and_stale(recorder: Recorder, target: str, days_ago: int) -> None:
    _check(recorder, _complete(target, days_ago) + _complete("simulator", 60)[:5])


def test_empty_store(recorder: Recorder) -> None:
    _check(recorder, [])


def test_refusals_bad_references_missing_headers(recorder: Recorder) -> None:
    b = LogBuilder()
    b.create("0123")  # numeric, leading zero
    b.get("0123", "CREATED")
    b.problem("0123", code=None)
    b.delivery("0123", verdict="refused")
    paid = {"state": "AUTHORIZED", "aggregate": amounts(a=5)}
    b.add("get_payment", "GET", f"{BASE}/0123", 200, resp=paid, ref="0123", headers={})
    b.modify("capture_payment", "0123", 5, amounts(a=5, c=5), "AUTHORIZED")
    _check(recorder, b.exchanges)


def test_long_proofs_keep_the_newest(recorder: Recorder) -> None:
    b = LogBuilder()
    for n in range(260):
        b.get(f"acme-order-{n % 70}", "CREATED")
    _check(recorder, b.exchanges)


@pytest.mark.parametrize("seed", range(12))
def test_random_cuts_of_several_logs(recorder: Recorder, seed: int) -> None:
    """Random subsets of complete logs on random targets and ages: the two must never differ."""
    rng = random.Random(seed)
    pool: list[Exchange] = []
    for _ in range(3):
        log = _complete(rng.choice(TARGETS), rng.choice((1, 2, 45)))
        b = LogBuilder(at=log[0].started_at, target=log[0].target)
        b.delivery(rng.choice(("acme-order-1", "acme-order-3", None)))
        pool += rng.sample(log + b.exchanges, k=rng.randint(3, len(log)))
    _check(recorder, pool)


def test_a_run_or_a_person_alone(location: str) -> None:
    with (
        Recorder.open(location, "mine", person="anna") as mine,
        Recorder.open(location, "theirs", person="bob") as theirs,
    ):
        for e in _complete():
            mine.record(replace(e, id=None))
        for e in _complete("simulator")[:6]:
            theirs.record(replace(e, id=None))
        for scope, source in (
            (ExchangeFilter(run_ids=(theirs.run_id,)), theirs),
            (ExchangeFilter(who=RunFilter(persons=("anna",))), mine),
        ):
            listed = evaluate(source.exchanges(), now=NOW)
            _same(listed, evaluate_store(mine.store, now=NOW, where=scope))


def test_the_first_started_order_wins_even_when_completed_later(recorder: Recorder) -> None:
    """Order A starts first but is complete only at the end; order B is complete in between:
    the rule picks A (first by appearance), and so must the store's walk."""
    b = LogBuilder()
    b.get("acme-order-a", "AUTHORIZED", amounts(a=1000))
    for n in range(30):  # reads of other orders between them
        b.get(f"acme-order-x{n}", "AUTHORIZED", amounts(a=10))
    b.events("acme-order-b", "AUTHORIZED", "CAPTURED", "REFUNDED", "CANCELLED")
    for n in range(1200):  # more than one step of the walk
        b.get(f"acme-order-y{n}", "AUTHORIZED", amounts(a=10, x=10))
    b.events("acme-order-a", "CAPTURED", "REFUNDED", "CANCELLED")
    _check(recorder, b.exchanges)
    assert evaluate_store(recorder.store, now=NOW)["G3"].references == ("acme-order-a",)


@pytest.mark.parametrize("hours", [-2, 2, 13])
def test_counts_at_the_age_limits_own_day(recorder: Recorder, hours: int) -> None:
    """Kept counts are per UTC day; the day of the age limit is counted from the proofs."""
    limit = NOW - timedelta(days=30)
    early = complete_log(LogBuilder(at=limit - timedelta(hours=3))).exchanges
    late = complete_log(LogBuilder(at=limit + timedelta(hours=hours))).exchanges
    _check(recorder, early + late[: len(late) // 2])
