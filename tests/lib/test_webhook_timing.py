"""Webhook against poll: the sentence, the first poll that showed an event, and the rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from lib.exchange import Exchange
from lib.webhooks import Delivery, Outcome, ReceivedEvent
from lib.webhooks.tables import arrival_rows, delivery_rows
from lib.webhooks.timing import poll_seen_at, since_event, timing

T0 = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def test_timing__poll_after_webhook() -> None:
    line = timing("AUTHORIZED", 0.12, 1.9)
    assert line == "AUTHORIZED: webhook 0.1 s after the event; the poll saw it 1.9 s later"


def test_timing__poll_before_webhook() -> None:
    assert timing("CAPTURED", None, -0.4).endswith("the poll saw it 0.4 s before the webhook came")


def test_timing__not_polled_yet() -> None:
    assert (
        timing("CREATED", 0.0, None)
        == "CREATED: webhook 0.0 s after the event; no poll has seen it yet"
    )


def poll(seconds: float, body: Any, status: int = 200, latency_ms: float = 100) -> Exchange:
    started = T0 + timedelta(seconds=seconds)
    return Exchange(
        "GET", "http://sim/payments/ref-1", "get_payment", started_at=started, status=status,
        response_body=json.dumps(body), latency_ms=latency_ms, reference="ref-1",
    )  # fmt: skip


def event(name: str, value: int = 2500) -> dict[str, Any]:
    amount = {"currency": "NOK", "value": value}
    return {"reference": "ref-1", "name": name, "amount": amount, "pspReference": f"psp-{name}",
            "timestamp": T0.isoformat(), "success": True}  # fmt: skip


def test_poll_seen_at__the_first_answer_in_that_state_when_it_arrived() -> None:
    polls = [
        poll(1, {"state": "CREATED", "aggregate": {}}),
        poll(3, {"state": "AUTHORIZED", "aggregate": {}}, status=500),  # no answer to go by
        poll(4, {"state": "AUTHORIZED", "aggregate": {}}),
        poll(2, [event("CREATED"), event("AUTHORIZED")]),  # an event log shows it too
    ]
    assert poll_seen_at("AUTHORIZED", 1, polls) == T0 + timedelta(seconds=2.1)
    assert poll_seen_at("AUTHORIZED", 1, polls[:3]) == T0 + timedelta(seconds=4.1)
    assert poll_seen_at("ABORTED", 1, polls) is None


def test_poll_seen_at__the_nth_event_needs_a_log_with_it_n_times() -> None:
    once = poll(1, [event("CREATED"), event("CAPTURED", 500)])
    twice = poll(5, [event("CREATED"), event("CAPTURED", 500), event("CAPTURED", 300)])
    assert poll_seen_at("CAPTURED", 1, [once, twice]) == T0 + timedelta(seconds=1.1)
    assert poll_seen_at("CAPTURED", 2, [once, twice]) == T0 + timedelta(seconds=5.1)
    assert poll_seen_at("CAPTURED", 3, [once, twice]) is None


def test_since_event__none_when_unknown_or_the_clock_was_moved() -> None:
    assert since_event(T0, T0 + timedelta(seconds=0.25)) == 0.25
    assert since_event(None, T0) is None
    assert since_event(T0 + timedelta(minutes=11), T0) is None  # a simulator clock moved ahead
    assert since_event(T0.replace(tzinfo=None), T0) is None  # naive against aware


def delivery(name: str, at: float, **kwargs: Any) -> Delivery:
    received = T0 + timedelta(seconds=at)
    verified = kwargs.pop("verified", True)
    return Delivery(
        received_at=received, url="http://127.0.0.1:1/wh", outcome=Outcome.VERIFIED if verified
        else Outcome.BAD_SIGNATURE, reason="ok" if verified else "signature does not match",
        status=200 if verified else 401, accepted=verified,
        event=ReceivedEvent.from_payload(event(name), received) if verified else None,
        body=json.dumps(event(name)).encode(), **kwargs,
    )  # fmt: skip


def test_arrival_rows__amount_verdict_and_webhook_against_poll() -> None:
    deliveries = [
        delivery("CREATED", 0.1),
        delivery("AUTHORIZED", 0.5),
        delivery("AUTHORIZED", 0.6, duplicate=True),
        delivery("AUTHORIZED", 0.7, verified=False),
    ]
    rows = arrival_rows(deliveries, [poll(2, {"state": "AUTHORIZED", "aggregate": {}})])
    assert [r["event"] for r in rows] == ["CREATED", "AUTHORIZED", "AUTHORIZED", "?"]
    assert [r["amount"] for r in rows] == ["NOK 25.00", "NOK 25.00", "NOK 25.00", ""]
    assert [r["verdict"] for r in rows][1:] == [
        "verified", "duplicate", "refused: signature does not match"
    ]  # fmt: skip
    assert (
        rows[0]["webhook vs poll"]
        == "CREATED: webhook 0.1 s after the event; no poll has seen it yet"
    )
    assert rows[1]["webhook vs poll"].endswith("the poll saw it 1.6 s later")
    assert rows[2]["webhook vs poll"] == rows[3]["webhook vs poll"] == ""
    assert rows[1]["received"] == "12:00:00.500"


def test_delivery_rows__newest_first_with_the_reference_a_refused_one_names() -> None:
    rows = delivery_rows([delivery("CREATED", 0.1), delivery("AUTHORIZED", 0.5, verified=False)])
    assert [(r["event"], r["reference"], r["answered"]) for r in rows] == [
        ("?", "ref-1", 401),
        ("CREATED", "ref-1", 200),
    ]
    assert len(delivery_rows([delivery("CREATED", i) for i in range(60)], limit=50)) == 50
