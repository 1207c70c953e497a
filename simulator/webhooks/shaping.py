"""Webhook adversity: one payment's deliveries made late, doubled, reordered, refused first or
forged, on the simulator's side, before the delivery engine (either mode) gets them."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.clock import iso
from simulator.webhooks.registry import WebhookRegistry, event_type

MARK = "adversity"  # the key on an event telling the delivery engine what to do with it
LATE, TWICE, OUT_OF_ORDER = "webhook_late", "webhook_twice", "webhook_out_of_order"
REFUSED_FIRST, FORGED = "webhook_refused_first", "webhook_forged"
WEBHOOK_BEHAVIOURS = (LATE, TWICE, OUT_OF_ORDER, REFUSED_FIRST, FORGED)
Event = dict[str, Any]
Deliver = Callable[[str, Event], None]
Fired = Callable[[str], None]


@dataclass
class Plan:
    """What to do with the first event of one payment that a registration asked for."""

    behaviour: str
    seconds: float  # late: the wait; out of order: the longest hold before giving up
    fired: Fired
    held: list[Event] = field(default_factory=list)
    timer: threading.Timer | None = None


class WebhookShaper:
    """Sits between the backend's events and the deliverer: without plans it hands every event
    straight on. Held events wait on a timer thread (real seconds: a clock advance does not
    shorten them)."""

    def __init__(self, registry: WebhookRegistry, deliver: Deliver) -> None:
        self.registry = registry
        self._deliver = deliver
        self._plans: dict[tuple[str, str], Plan] = {}
        self._lock = threading.Lock()
        self.before: list[Callable[[str, Event], None]] = []  # told of each event first

    def plan(self, msn: str, reference: str, behaviour: str, seconds: float, fired: Fired) -> None:
        with self._lock:
            self._plans[(msn, reference)] = Plan(behaviour, seconds, fired)

    def clear(self) -> None:
        """Forget every plan; held events are dropped (reset forgets queued deliveries too)."""
        with self._lock:
            plans, self._plans = self._plans, {}
        for plan in plans.values():
            if plan.timer is not None:
                plan.timer.cancel()

    def shape(self, msn: str, event: Event) -> None:
        """The backend listener's path (any thread, under the backend's lock): never blocks."""
        for hook in self.before:
            hook(msn, event)
        if not self._plans:  # the common case: no adversity armed
            self._deliver(msn, event)
            return
        with self._lock:
            plan = self._plans.get((msn, event["reference"]))
            now = [event] if plan is None else self._step(plan, msn, event)
        for shaped in now:
            self._deliver(msn, shaped)

    def forge(self, msn: str, created: Event, fired: Fired) -> None:
        """An `authorized` event for a payment nobody approved, signed with a secret nobody
        registered: a shop that accepts it can be told any order is paid."""
        if not self.registry.matching(msn, event_type("AUTHORIZED")):
            fired(f"not sent: no webhook of MSN {msn} asks for authorized events")
            return
        forged = {
            "reference": created["reference"],
            "pspReference": str(uuid.uuid4()),
            "name": "AUTHORIZED",
            "amount": created["amount"],
            "timestamp": iso(time.time()),
            "idempotencyKey": None,
            "success": True,
            MARK: FORGED,
        }
        self._deliver(msn, forged)
        fired("a forged authorized event sent (signed with a secret nobody registered)")

    # --- with the lock held ---------------------------------------------------------------

    def _step(self, plan: Plan, msn: str, event: Event) -> list[Event]:
        """The events to hand on now for this one (none while held)."""
        if not plan.held and not self.registry.matching(msn, event_type(event["name"])):
            return [event]  # nobody asked for this one: wait for one they will see
        key = (msn, event["reference"])
        if plan.behaviour == TWICE:
            self._done(key, f"{event['name']} delivered twice")
            return [event, {**event, MARK: TWICE}]
        if plan.behaviour == REFUSED_FIRST:
            self._done(key, f"{event['name']}: first attempt counted as refused")
            return [{**event, MARK: REFUSED_FIRST}]
        if plan.behaviour == OUT_OF_ORDER and plan.held:
            self._done(key, f"{event['name']} delivered before {plan.held[0]['name']}")
            return [event, *plan.held]
        plan.held.append(event)  # late: later events wait behind it; out of order: the first
        if plan.timer is None:
            plan.timer = threading.Timer(plan.seconds, self._release, (key,))
            plan.timer.daemon = True
            plan.timer.start()
        return []

    def _done(self, key: tuple[str, str], what: str) -> None:
        plan = self._plans.pop(key)
        if plan.timer is not None:
            plan.timer.cancel()
        plan.fired(what)

    def _release(self, key: tuple[str, str]) -> None:
        """The timer ran out: hand on what was held, in order."""
        with self._lock:
            plan = self._plans.pop(key, None)
        if plan is None or not plan.held:
            return
        names = ", ".join(e["name"] for e in plan.held)
        if plan.behaviour == LATE:
            plan.fired(f"{names} delivered {plan.seconds:g} s late")
        else:
            plan.fired(f"{names} held {plan.seconds:g} s; no later event came to put before it")
        for event in plan.held:
            self._deliver(key[0], event)
