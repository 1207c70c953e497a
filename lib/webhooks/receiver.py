"""WebhookReceiver: verifies, dedupes, keeps and records every webhook delivery it is sent."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from lib.exchange import utc_now
from lib.webhooks.delivery_record import record_delivery
from lib.webhooks.events import Delivery, ReceivedEvent
from lib.webhooks.evidence import evidence_headers, response_body
from lib.webhooks.http import MAX_BODY, ReceiverServer
from lib.webhooks.inbox import Inbox
from lib.webhooks.judge import Registration, SecretSource, candidates, judge
from lib.webhooks.signature import DEFAULT_MAX_SKEW, path_and_query

logger = logging.getLogger("epayment_lab.webhooks")

DEFAULT_PATH = "/webhooks/epayment"
EXCERPT_BYTES = 2048  # what is kept of a refused body: enough to see what it was


class WebhookReceiver:
    """A small HTTP server on `host:port` (port 0: any free one) for webhook deliveries.

    Each POST is verified (content hash, HMAC signature, date) against the secret of the
    registration for the path it arrived on. The sender signs the host and path of the URL it
    was REGISTERED with, so that is what we verify against: `add_registration(url, secret)`
    keeps the registered URL. Deliveries verified with the constructor's `secret` (no
    registration for the path) use `public_host` (if given) or this server's own `host:port`.

    Answers: 200 for verified deliveries (duplicates too, marked), 400/401 with the reason in
    the JSON body otherwise. Every delivery is recorded (`operation="webhook_delivery"`).
    `fail_first=N` answers the first N verified deliveries with `fail_status` (the sender
    must retry them); `clock`/`max_skew` set the date window (`max_skew=None`: no window).
    """

    def __init__(
        self,
        secret: SecretSource = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        recorder: Any = None,
        public_host: str | None = None,
        path: str = DEFAULT_PATH,
        target: str = "simulator",
        fail_first: int = 0,
        fail_status: int = 500,
        clock: Callable[[], datetime] = utc_now,
        max_skew: timedelta | None = DEFAULT_MAX_SKEW,
    ) -> None:
        self.host, self.port, self.path = host, port, path
        self.recorder = recorder
        self.public_host = public_host
        self.target = target
        self.clock = clock
        self.max_skew = max_skew
        self.inbox = Inbox()
        self._secret = secret
        self._lock = threading.Lock()
        self._registrations: dict[str, list[Registration]] = {}  # path and query -> registrations
        self._fail_remaining, self._fail_status = fail_first, fail_status
        self._server: ReceiverServer | None = None
        if isinstance(secret, str):
            self._remember_secret(secret)

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> WebhookReceiver:
        """Binds and serves in a daemon thread; returns once the port is known. Idempotent."""
        if self._server is None:
            self._server = ReceiverServer((self.host, self.port), self._respond)
            self.port = self._server.server_address[1]
            self._server.serve_in_thread()
            logger.info("Webhook receiver listening on %s", self.url)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The URL to register, e.g. `http://127.0.0.1:54321/webhooks/epayment`."""
        return self.url_for()

    def url_for(self, label: str | None = None) -> str:
        """A URL per registration (`.../webhooks/epayment/<label>`), so each has its own secret."""
        if self.public_host is None and not self.running:
            raise RuntimeError("The receiver is not started: call start() to learn its URL.")
        netloc = self.public_host or f"{self.host}:{self.port}"
        return f"http://{netloc}{self.path}" + (f"/{label}" if label else "")

    # -- registrations ----------------------------------------------------------------------------

    def add_registration(
        self, url: str, secret: str, registration_id: str | None = None
    ) -> Registration:
        """Deliveries arriving on `url`'s path are verified with `secret` against `url`'s host."""
        registration = Registration(url, secret, registration_id)
        self._remember_secret(secret)
        with self._lock:
            self._registrations.setdefault(path_and_query(url), []).append(registration)
        return registration

    def remove_registration(self, registration_id: str) -> None:
        with self._lock:
            for key, regs in list(self._registrations.items()):
                self._registrations[key] = [r for r in regs if r.id != registration_id]

    @property
    def registrations(self) -> list[Registration]:
        with self._lock:
            return [r for regs in self._registrations.values() for r in regs]

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next `count` verified deliveries with `status` (demo: watch the retries)."""
        with self._lock:
            self._fail_remaining, self._fail_status = count, status

    # -- reading ----------------------------------------------------------------------------------

    def events(self, reference: str | None = None) -> list[ReceivedEvent]:
        """Verified, first-seen events in arrival order (each with `received_at`)."""
        return self.inbox.events(reference)

    def deliveries(self, reference: str | None = None) -> list[Delivery]:
        """Every delivery, refused and duplicate ones included, in arrival order."""
        return self.inbox.deliveries(reference)

    def wait_for_events(
        self, reference: str, names: Iterable[str], timeout: float = 10.0
    ) -> list[ReceivedEvent]:
        """Blocks until each of `names` arrived verified for `reference`; TimeoutError if not."""
        return self.inbox.wait_for_events(reference, names, timeout)

    def clear(self) -> None:
        """Forget deliveries and events (and the dedupe memory); registrations stay."""
        self.inbox.clear()

    # -- handling (HTTP-free, so tests can call it directly) --------------------------------------

    def handle(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes,
        size: int | None = None,
    ) -> Delivery:
        """Verifies, keeps and records one delivery; returns it (its `status` is the answer).

        Only an authentic event is kept whole and recorded under its payment. A refused
        delivery is kept and recorded with its verdict and the first 2 KB of its body, under no
        payment (its `reference` is the sender's word); one declaring a body over MAX_BODY
        (`size`) is refused unread with 413.
        """
        started = time.perf_counter()
        received_at = self.clock()
        size = len(body) if size is None else size
        verdict, registration, event = judge(
            method, target, headers, body, size, received_at, self._candidates, self.max_skew
        )
        status = 413 if size > MAX_BODY else verdict.http_status
        reason = verdict.reason
        failing = self._take_failure() if event is not None else None
        if failing is not None:
            status, reason = failing, f"{reason}; answered {failing} on purpose (fail_first)"
        kept = body if event is not None else body[:EXCERPT_BYTES]
        delivery = self.inbox.add(
            Delivery(
                received_at=received_at,
                url=self._url_of(target),
                outcome=verdict.outcome,
                reason=reason,
                status=status,
                accepted=event is not None and failing is None,
                registration_id=registration.id if registration else None,
                event=event,
                headers=evidence_headers(headers),  # the signature stays out of UIs too
                body=kept,
                size=None if len(kept) == size else size,
            ),
            on_kept=lambda kept: self._record(kept, (time.perf_counter() - started) * 1000),
        )
        logger.info("webhook %s %s -> %s %s", target, delivery.reference, status, verdict.outcome)
        return delivery

    def _respond(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, size: int
    ) -> tuple[int, bytes]:
        delivery = self.handle(method, target, headers, body, size)
        return delivery.status, response_body(delivery)

    def _candidates(self, target: str) -> list[Registration]:
        with self._lock:
            registered = list(self._registrations.get(target, []))
        own_netloc = self.public_host or f"{self.host}:{self.port}"
        return candidates(registered, self._secret, target, own_netloc)

    def _take_failure(self) -> int | None:
        with self._lock:
            if self._fail_remaining <= 0:
                return None
            self._fail_remaining -= 1
            return self._fail_status

    def _url_of(self, target: str) -> str:
        return f"http://{self.host}:{self.port}{target}"

    def _remember_secret(self, secret: str) -> None:
        add = getattr(self.recorder, "add_secret", None)
        if secret and callable(add):
            add(secret)

    def _record(self, delivery: Delivery, latency_ms: float) -> None:
        record_delivery(self.recorder, delivery, self.target, latency_ms)
