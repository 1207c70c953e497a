"""Adversity on demand: behaviours queued for the next payment a sales unit creates."""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator import exceptions as ex
from simulator.clock import iso
from simulator.faults import Fault, FaultInjector
from simulator.models import EPaymentBackend
from simulator.webhooks import WebhookDispatcher
from simulator.webhooks.shaping import FORGED, WEBHOOK_BEHAVIOURS

KEEP_FIRED = 200
MAX_SECONDS = 60 * 86400.0  # simulated seconds: a long-living payment's window


@dataclass(frozen=True)
class Behaviour:
    slot: str  # one behaviour per slot and payment; the next in the queue waits for the next one
    summary: str
    seconds: float | None = None  # the default, when the behaviour takes seconds
    count: int = 1


BEHAVIOURS: dict[str, Behaviour] = {
    "approve": Behaviour("user", "the user approves at once"),
    "reject": Behaviour("user", "the user rejects (ABORTED)"),
    "never": Behaviour("user", "the user never acts: CREATED until it expires"),
    "approve_after": Behaviour("user", "the user approves after N simulated seconds", 10.0),
    "capture_503": Behaviour("capture", "503 on the next capture (nothing is captured)"),
    "capture_dropped": Behaviour(
        "capture", "the next capture is done, then the connection drops with no answer"
    ),
    "get_429": Behaviour("get", "429 on the next N GETs of the payment", 2.0, 3),
    "webhook_late": Behaviour("webhook", "its first webhook comes N s (real time) late", 5.0),
    "webhook_twice": Behaviour("webhook", "its first webhook is delivered twice"),
    "webhook_out_of_order": Behaviour(
        "webhook", "its first webhook comes after the next one (held at most N s)", 30.0
    ),
    "webhook_refused_first": Behaviour(
        "webhook", "its first webhook's first attempt counts as refused, so it is retried"
    ),
    FORGED: Behaviour("forged", "a forged authorized webhook for it, signed with a wrong secret"),
}
assert set(WEBHOOK_BEHAVIOURS) <= set(BEHAVIOURS)


@dataclass
class Armed:
    id: str
    msn: str
    behaviour: str
    seconds: float | None
    count: int
    armed_at: float
    reference: str | None = None
    due: float | None = None  # simulated time of a timed approval
    taken: int = 0
    fired_at: float | None = None
    outcome: str | None = None

    def to_json(self) -> dict[str, Any]:
        status = "fired" if self.fired_at else ("waiting" if self.reference else "armed")
        return {
            "id": self.id,
            "msn": self.msn,
            "behaviour": self.behaviour,
            "summary": BEHAVIOURS[self.behaviour].summary,
            "seconds": self.seconds,
            "count": self.count,
            "status": status,
            "reference": self.reference,
            "taken": self.taken,
            "armedAt": iso(self.armed_at),
            "firedAt": iso(self.fired_at) if self.fired_at else None,
            "outcome": self.outcome,
        }


def _number(body: dict[str, Any], name: str, default: Any, low: float, high: float) -> Any:
    value = body.get(name, default)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise ex.field_error(name, f"{name} must be a number from {low:g} to {high:g}.")
    return value


def parse_armed(body: Any, backend: EPaymentBackend, new_id: str) -> Armed:
    """{"msn", "behaviour", "seconds"?, "count"?}; a 400 naming the field otherwise."""
    if not isinstance(body, dict):
        raise ex.field_error("body", "The body must be a JSON object with msn and behaviour.")
    msn, behaviour = body.get("msn"), body.get("behaviour")
    if not isinstance(msn, str) or msn not in backend.units_by_msn:
        known = ", ".join(backend.units_by_msn)
        raise ex.field_error("msn", f"msn must be a sales unit of this simulator ({known}).")
    if behaviour not in BEHAVIOURS:
        raise ex.field_error("behaviour", f"behaviour must be one of {', '.join(BEHAVIOURS)}.")
    spec = BEHAVIOURS[behaviour]
    seconds = _number(body, "seconds", spec.seconds, 0, MAX_SECONDS)
    count = _number(body, "count", spec.count, 1, 1000)
    if count != int(count):
        raise ex.field_error("count", "count must be a whole number.")
    seconds = None if spec.seconds is None else float(seconds)
    return Armed(new_id, msn, behaviour, seconds, int(count), time.time())


class Adversity:
    """The queue: `arm` adds, the payment's CREATED event binds the first armed behaviour of
    each slot to it, and each behaviour disarms once it fired. Thread-safe; callbacks into the
    backend, faults and webhooks are made outside this object's lock."""

    def __init__(
        self, backend: EPaymentBackend, faults: FaultInjector, webhooks: WebhookDispatcher
    ) -> None:
        self.backend, self.faults, self.webhooks = backend, faults, webhooks
        self._lock = threading.Lock()
        self._armed: list[Armed] = []
        self._fired: deque[Armed] = deque(maxlen=KEEP_FIRED)
        self._ids = itertools.count(1)
        self._bound: set[tuple[str, str]] = set()
        self._timers: list[threading.Timer] = []
        backend.add_listener(self.observe)
        webhooks.shaper.before.append(self.observe)  # sees CREATED before webhooks are shaped
        faults.on_taken.append(self._taken)

    def arm(self, body: Any) -> Armed:
        armed = parse_armed(body, self.backend, f"adv-{next(self._ids)}")
        with self._lock:
            self._armed.append(armed)
        return armed

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "armed": [a.to_json() for a in self._armed],
                "fired": [a.to_json() for a in self._fired],
            }

    def clear(self, *, history: bool = False) -> None:
        """Disarm everything not fired yet (its faults, webhook plans and timers too)."""
        with self._lock:
            armed, self._armed = self._armed, []
            timers, self._timers = self._timers, []
            if history:
                self._fired.clear()
                self._bound.clear()
        for timer in timers:
            timer.cancel()
        for entry in armed:
            self.faults.remove_origin(entry.id)
        self.webhooks.shaper.clear()

    # --- binding to the next payment ----------------------------------------------------------

    def observe(self, msn: str, event: dict[str, Any]) -> None:
        """A backend listener (and the webhook shaper's first look): a CREATED event binds."""
        if event.get("name") != "CREATED" or not self._armed:
            return
        key = (msn, event["reference"])
        with self._lock:
            if key in self._bound:
                return
            self._bound.add(key)
            chosen: dict[str, Armed] = {}
            for entry in self._armed:
                slot = BEHAVIOURS[entry.behaviour].slot
                if entry.msn == msn and entry.reference is None and slot not in chosen:
                    chosen[slot] = entry
                    entry.reference = key[1]
        for entry in chosen.values():
            self._start(entry, event)

    def _start(self, entry: Armed, created: dict[str, Any]) -> None:
        msn, reference, name = entry.msn, entry.reference or "", entry.behaviour
        if name in ("approve", "reject"):
            self._later(0.0, lambda: self._act(entry, name))
        elif name == "never":
            self._fire(entry, "the user will not act on it")
        elif name == "approve_after":
            entry.due = self.backend.clock.now() + (entry.seconds or 0.0)
            self._later(entry.seconds or 0.0, self.tick)
        elif name == FORGED:
            self.webhooks.shaper.forge(msn, created, lambda what: self._fire(entry, what))
        elif name in WEBHOOK_BEHAVIOURS:
            fired = lambda what: self._fire(entry, what)  # noqa: E731 - a one-line callback
            self.webhooks.shaper.plan(msn, reference, name, entry.seconds or 0.0, fired)
        else:
            self.faults.add(self._fault(entry))

    def _fault(self, entry: Armed) -> Fault:
        if entry.behaviour == "get_429":
            fault = Fault("get_payment", "status", entry.count, 429)
            fault.retry_after = round(entry.seconds or 0)
        else:
            kind = "status" if entry.behaviour == "capture_503" else "drop_after"
            fault = Fault("capture_payment", kind, entry.count, 503)
        fault.msn, fault.reference, fault.origin = entry.msn, entry.reference, entry.id
        return fault

    # --- firing -------------------------------------------------------------------------------

    def tick(self) -> None:
        """Timed approvals whose simulated time has come (the clock may have been advanced)."""
        now = self.backend.clock.now()
        with self._lock:
            due = [a for a in self._armed if a.due is not None and a.due <= now]
            for entry in due:
                entry.due = None
        for entry in due:
            self._act(entry, "approve")

    def _act(self, entry: Armed, action: str) -> None:
        try:
            state = getattr(self.backend, action)(entry.msn, entry.reference)
            self._fire(entry, f"the user did {action}: the payment is {state}")
        except ex.ProblemError as error:
            self._fire(entry, f"could not {action}: {error.detail}")

    def _taken(self, fault: Fault) -> None:
        with self._lock:
            entry = next((a for a in self._armed if a.id == fault.origin), None)
            if entry is not None:
                entry.taken += 1
        if entry is not None and fault.count <= 0:
            self._fire(entry, f"{fault.operation} met it {entry.taken} time(s)")

    def _fire(self, entry: Armed, outcome: str) -> None:
        with self._lock:
            if entry in self._armed:
                self._armed.remove(entry)
                entry.fired_at, entry.outcome = time.time(), outcome
                self._fired.append(entry)

    def _later(self, seconds: float, action: Callable[[], None]) -> None:
        # a thread of its own: the backend's lock is held while a listener runs
        timer = threading.Timer(seconds, action)
        timer.daemon = True
        with self._lock:
            self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()
