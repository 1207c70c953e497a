"""Routes each webhook delivery's evidence to the session whose run knows its payment."""

from __future__ import annotations

import threading
import time
import weakref

from lib.exchange import Exchange
from lib.recorder import Recorder

OWNER_WAIT = 0.5  # s: the CREATED webhook may arrive before the client has logged its 201
OWNER_POLL = 0.05  # s between looks while waiting for it
FALLBACK_LABEL = "dashboard webhooks: the receiver's registration, unclaimed deliveries"


class SessionEvidence:
    """The receiver's recorder: each delivery goes to the session whose run has its payment.

    Deliveries of a payment no open session knows, and the automatic registration, go to a
    run of the dashboard's own in the same file (`process_recorder`). Sessions are held weakly:
    a closed browser session drops out by itself.
    """

    def __init__(self, owner_wait: float = OWNER_WAIT) -> None:
        self.owner_wait = owner_wait
        self._lock = threading.Lock()
        self._sessions: weakref.WeakSet[Recorder] = weakref.WeakSet()
        self._secrets: list[str] = []
        self._fallback: Recorder | None = None

    def join(self, recorder: Recorder) -> None:
        with self._lock:
            self._sessions.add(recorder)
            secrets = list(self._secrets)
        for secret in secrets:  # a webhook secret learnt before this session began
            recorder.add_secret(secret)

    def add_secret(self, secret: str) -> None:
        with self._lock:
            self._secrets.append(secret)
            targets = [*self._sessions, *([self._fallback] if self._fallback else [])]
        for recorder in targets:
            recorder.add_secret(secret)

    def owner(self, reference: str) -> Recorder | None:
        with self._lock:
            sessions = list(self._sessions)
        return next((r for r in sessions if r.exchanges(reference=reference)), None)

    def wait_for_owner(self, reference: str) -> Recorder | None:
        """The owning session, looked for until `owner_wait` has passed (its 201 may be late)."""
        deadline = time.monotonic() + self.owner_wait
        while (owner := self.owner(reference)) is None and time.monotonic() <= deadline:
            time.sleep(OWNER_POLL)
        return owner

    def record(self, exchange: Exchange) -> Exchange:
        owner = self.wait_for_owner(exchange.reference) if exchange.reference else None
        owner = owner or self.process_recorder()
        return owner.record(exchange) if owner is not None else exchange

    def process_recorder(self) -> Recorder | None:
        """The dashboard's own run, in the file of the first session that joined."""
        with self._lock:
            if self._fallback is None and len(self._sessions):
                store = next(iter(self._sessions)).store
                self._fallback = Recorder(store, FALLBACK_LABEL)
                for secret in self._secrets:
                    self._fallback.add_secret(secret)
            return self._fallback
