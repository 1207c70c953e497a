"""Webhook against poll: when a delivery arrived, and when a poll first showed the same thing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from lib.epayment.models import PaymentState, events_from, payment_from
from lib.exchange import Exchange

CLOCK_MOVED = 3600.0  # s: a gap this long means the simulator's clock was moved, not latency


def seen_at(exchange: Exchange) -> datetime:
    """When the poll's answer arrived: the moment the poller could see the state."""
    return exchange.started_at + timedelta(milliseconds=exchange.latency_ms or 0)


def shows(exchange: Exchange, name: str, nth: int = 1) -> bool:
    """Whether a 200 answer shows `name`: a payment in that state, or a log with it `nth` times."""
    if exchange.status != 200:
        return False
    try:
        body = json.loads(exchange.response_body or "null")
    except ValueError:
        return False
    state = PaymentState.parse(name)
    payment = payment_from(body)
    if state is not None and payment is not None and payment.state is state:
        return True
    return sum(1 for e in events_from(body) if e.name == name) >= nth


def poll_seen_at(name: str, nth: int, polls: Sequence[Exchange]) -> datetime | None:
    """First poll that showed `name` (a GET in that state, or an event log with it `nth` times)."""
    return min((seen_at(ex) for ex in polls if shows(ex, name, nth)), default=None)


def since_event(happened: datetime | None, received: datetime) -> float | None:
    """Seconds from the event to its webhook; None when unknown or the clock was moved."""
    if happened is None:
        return None
    try:
        seconds = (received - happened).total_seconds()
    except TypeError:  # one naive, one aware: nothing to compare
        return None
    return seconds if 0 <= seconds < CLOCK_MOVED else None


def timing(name: str, since: float | None, poll_delay: float | None) -> str:
    """E.g. "AUTHORIZED: webhook 0.1 s after the event; the poll saw it 1.9 s later"."""
    hook = "webhook" + (f" {since:.1f} s after the event" if since is not None else "")
    if poll_delay is None:
        return f"{name}: {hook}; no poll has seen it yet"
    if poll_delay >= 0:
        return f"{name}: {hook}; the poll saw it {poll_delay:.1f} s later"
    return f"{name}: {hook}; the poll saw it {abs(poll_delay):.1f} s before the webhook came"
