"""The receiver's memory: every delivery, dedupe on pspReference + name, and bounded waits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace

from lib.webhooks.events import Delivery, ReceivedEvent


class Inbox:
    """Thread-safe: HTTP handler threads add, the dashboard or a test reads and waits."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._deliveries: list[Delivery] = []
        self._events: list[ReceivedEvent] = []
        self._seen: set[tuple[str, str]] = set()

    def add(
        self, delivery: Delivery, on_kept: Callable[[Delivery], None] | None = None
    ) -> Delivery:
        """Keeps the delivery; an accepted, first-seen event joins `events()`.

        The duplicate check is repeated here under the lock, so two concurrent deliveries of
        the same event cannot both become events (the returned copy says which one won).
        `on_kept` (the recorder) sees the final delivery before any waiter wakes, so whoever
        waits for an event finds it in the evidence too.
        """
        with self._changed:
            event = delivery.event
            if delivery.accepted and event is not None:
                key = event.dedupe_key
                if key is not None and key in self._seen:
                    delivery = replace(delivery, duplicate=True)
                else:
                    if key is not None:
                        self._seen.add(key)
                    self._events.append(event)
            self._deliveries.append(delivery)
            if on_kept is not None:
                on_kept(delivery)
            self._changed.notify_all()
        return delivery

    def events(self, reference: str | None = None) -> list[ReceivedEvent]:
        with self._changed:
            return [e for e in self._events if reference is None or e.reference == reference]

    def deliveries(self, reference: str | None = None) -> list[Delivery]:
        with self._changed:
            return [d for d in self._deliveries if reference is None or d.reference == reference]

    def clear(self) -> None:
        with self._changed:
            self._deliveries.clear()
            self._events.clear()
            self._seen.clear()

    def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Blocks until `condition()` holds (re-checked on each new delivery) or `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
        return True

    def wait_for_events(
        self, reference: str, names: Iterable[str], timeout: float = 10.0
    ) -> list[ReceivedEvent]:
        """Waits until every name in `names` arrived as a verified event for `reference`.

        Returns that payment's events in arrival order; raises TimeoutError naming what is missing.
        """
        wanted = {n.upper() for n in names}

        def arrived() -> set[str]:
            return {e.label for e in self._events if e.reference == reference}

        if not self.wait_until(lambda: wanted <= arrived(), timeout):
            with self._changed:
                missing = sorted(wanted - arrived())
            raise TimeoutError(
                f"No verified webhook for {reference} within {timeout:g} s for: "
                f"{', '.join(missing)} (see deliveries() for refused ones)"
            )
        return self.events(reference)
