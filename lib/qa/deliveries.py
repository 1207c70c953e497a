"""Waiting for webhooks: every delivery due for a run's payments, answered and recorded."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lib.simulator_control import SimulatorControl, SimulatorControlError
from lib.webhooks import WebhookReceiver, event_type, short_event

Owed = Counter[tuple[str, str]]  # (reference, event name) -> how many


@dataclass(frozen=True)
class DeliveryCount:
    """Deliveries due for the run's payments, and how many of them arrived."""

    due: int
    delivered: int  # answered 2xx, by the simulator's attempts
    recorded: int  # verified and recorded by the run's receiver
    missing: tuple[str, ...] = ()  # "reference EVENT" still owed

    @property
    def complete(self) -> bool:
        return not self.missing

    def sentence(self) -> str:
        said = f"{self.recorded} of {self.due} webhook deliveries due were received and recorded"
        if self.complete:
            return said
        shown = ", ".join(self.missing[:5]) + (" …" if len(self.missing) > 5 else "")
        return f"{said}; still missing after the wait: {shown}"


class DeliveryWatch:
    """Bounded waits for a run's webhooks; `payments` maps each MSN to the run's references.

    The simulator is the truth of what is due and what was tried: each event in the event log of a
    run's payment, of a type the run's registration asked for, is owed one delivery; its delivery
    attempts (`/_sim/webhooks`) say which were answered 2xx; the run's receiver says which it
    verified and recorded. Deliveries run apart from the API calls, so without this wait a report
    holds however many happened to arrive (issue 13: 0 to 37 over nine runs).
    """

    def __init__(self, control: SimulatorControl, receiver: WebhookReceiver) -> None:
        self.control = control
        self.receiver = receiver

    def wait(
        self, payments: Mapping[str, Iterable[str]], timeout: float = 30.0, interval: float = 0.05
    ) -> DeliveryCount:
        """Polls until every due delivery is in, or `timeout` seconds have passed."""
        payments = {msn: tuple(dict.fromkeys(refs)) for msn, refs in payments.items()}
        due = self.due(payments)  # the event logs no longer change: the battery is over
        deadline = time.monotonic() + timeout
        while True:
            count = self.count(payments, due)
            if count.complete or time.monotonic() >= deadline:
                return count
            time.sleep(interval)

    def due(self, payments: Mapping[str, Iterable[str]]) -> Owed:
        owed: Owed = Counter()
        for msn, references in payments.items():
            wanted = {kind for reg in self._registrations(msn) for kind in reg.get("events", ())}
            for reference in references:
                for event in self._events(msn, reference):
                    name = str(event.get("name", ""))
                    if event_type(name) in wanted:
                        owed[(reference, name)] += 1
        return owed

    def count(self, payments: Mapping[str, Iterable[str]], due: Owed) -> DeliveryCount:
        delivered: Owed = Counter()
        for msn in payments:
            for reg in self._registrations(msn):
                for attempt in reg.get("attempts", ()):
                    if attempt.get("outcome") == "delivered":
                        name = short_event(str(attempt.get("event", ""))).upper()
                        delivered[(str(attempt.get("reference")), name)] += 1
        recorded: Owed = Counter()
        for reference in {ref for ref, _ in due}:
            for event in self.receiver.events(reference):
                recorded[(reference, event.label)] += 1
        missing = [
            f"{ref} {name}"
            for (ref, name), n in sorted(due.items())
            for _ in range(n - min(n, delivered[(ref, name)], recorded[(ref, name)]))
        ]
        return DeliveryCount(
            due=sum(due.values()),
            delivered=sum(min(n, delivered[key]) for key, n in due.items()),
            recorded=sum(min(n, recorded[key]) for key, n in due.items()),
            missing=tuple(missing),
        )

    def _registrations(self, msn: str) -> list[dict[str, Any]]:
        """This receiver's registrations on `msn` (another client's are not this run's)."""
        ours = {r.id for r in self.receiver.registrations if r.id}
        webhooks = self.control.webhook_attempts(msn).get("webhooks", [])
        return [w for w in webhooks if w.get("id") in ours]

    def _events(self, msn: str, reference: str) -> list[dict[str, Any]]:
        try:
            events = self.control.payment(msn, reference).get("events", [])
        except SimulatorControlError as error:
            if error.status == 404:
                return []  # a reference the run only asked about (unknown reference): no payment
            raise
        return [e for e in events if isinstance(e, dict)]
