"""The dashboard's webhook tables as rows: deliveries received, and one payment's arrivals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from lib.exchange import Exchange
from lib.webhooks.events import Delivery
from lib.webhooks.timing import poll_seen_at, since_event, timing


def clock(delivery: Delivery) -> str:
    return delivery.received_at.strftime("%H:%M:%S.%f")[:-3]


def arrival_rows(deliveries: Sequence[Delivery], polls: Sequence[Exchange]) -> list[dict]:
    """One row per delivery of a payment: what, how much, when, verdict, webhook vs poll."""
    rows, count = [], Counter[str]()
    for d in deliveries:
        event = d.event
        name = event.label if event else "?"
        row: dict[str, Any] = {"received": clock(d), "event": name}
        row["amount"] = str(event.amount) if event else ""
        row["verdict"] = d.verdict
        row["webhook vs poll"] = ""
        if event and d.verdict == "verified":
            count[name] += 1
            seen = poll_seen_at(name, count[name], polls)
            delay = (seen - d.received_at).total_seconds() if seen else None
            row["webhook vs poll"] = timing(
                name, since_event(event.timestamp, d.received_at), delay
            )
        rows.append(row)
    return rows


def delivery_rows(deliveries: Sequence[Delivery], limit: int = 50) -> list[dict[str, Any]]:
    """The newest deliveries first: when, which event of which payment, the verdict."""
    return [
        {
            "received": clock(d),
            "event": d.event.label if d.event else "?",
            "reference": d.claimed_reference,
            "verdict": d.verdict,
            "answered": d.status,
        }
        for d in list(deliveries)[::-1][:limit]
    ]
