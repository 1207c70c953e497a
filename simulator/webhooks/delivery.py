"""DeliveryEngine: signed deliveries ordered per registration and payment, retried on the
documented schedule, on an event loop of its own thread or on the server's loop."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import aiohttp

from simulator.webhooks.attempts import AttemptLog, attempt_entry, retry_delay
from simulator.webhooks.registry import Registration, WebhookRegistry, event_type, new_secret
from simulator.webhooks.settings import DeliverySettings
from simulator.webhooks.shaping import FORGED, MARK, REFUSED_FIRST
from simulator.webhooks.signing import signed_headers

log = logging.getLogger(__name__)
PAYLOAD_FIELDS = ("reference", "pspReference", "name", "amount", "timestamp")
USER_AGENT = "epayment-lab-simulator-webhooks"
REFUSED_NOTE = "refused first on purpose (adversity): the answer was set aside and it is retried"


@dataclass(frozen=True)
class Delivery:
    registration: Registration
    event_type: str
    payload: dict[str, Any]
    body: bytes  # serialised once: every attempt sends the same bytes
    adversity: str | None = None  # what the lab does to this delivery on purpose (shaping.py)


def webhook_payload(msn: str, event: dict[str, Any]) -> dict[str, Any]:
    """The documented WebhookEvent: the event-log entry plus msn; idempotencyKey only if set."""
    payload = {"msn": msn, **{k: event[k] for k in PAYLOAD_FIELDS}}
    if event.get("idempotencyKey"):
        payload["idempotencyKey"] = event["idempotencyKey"]
    payload["success"] = event["success"]
    return payload


async def _open_session() -> aiohttp.ClientSession:
    """No pool limit (each registration has its own gate), no proxies from the environment, no
    cookies shared between receivers, loopback TLS certificates not verified."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0, ssl=False),
        cookie_jar=aiohttp.DummyCookieJar(),
        headers={"User-Agent": USER_AGENT},
        trust_env=False,
    )


class DeliveryEngine:
    """`notify` (from any thread) only hands the event to the delivery loop (O(1), no I/O).
    Each (registration, reference) pair has its own queue and task, so a failing event holds back
    later events of that payment for that registration only; a semaphore per registration bounds
    its attempts, so a hanging receiver stalls only itself. x-ms-date is the real wall-clock time
    of each attempt (re-signed per attempt, as the real service does), not the simulated clock, so
    receivers' freshness checks keep working after /_sim/clock/advance. The body bytes are
    identical on every attempt."""

    def __init__(
        self,
        registry: WebhookRegistry,
        settings: DeliverySettings | None = None,
        log: AttemptLog | None = None,
    ) -> None:
        self.registry = registry
        self._initial = settings or DeliverySettings()
        self.settings = dataclasses.replace(self._initial)
        self.log = log or AttemptLog()  # in the worker, a PipeLog that reports to the API
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._session: aiohttp.ClientSession | None = None
        self._queues: dict[tuple[str, str], deque[Delivery]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._gates: dict[str, asyncio.Semaphore] = {}
        self._skipped = 0.0  # real seconds of retry waits skipped by /_sim/clock/advance
        self._wake = asyncio.Event()  # set (and replaced) on every advance: sleepers recheck

    # --- lifecycle: on the running loop (open/close), or on a thread of its own (start/stop) ------

    async def open(self) -> None:
        """Deliver on the running event loop from now on."""
        self._session = await _open_session()
        self._loop = asyncio.get_running_loop()

    async def close(self) -> None:
        """Cancel every queue and close the HTTP session (on the loop `open` ran on)."""
        self._loop = None  # notify() hands nothing over from now on
        await self._shutdown()

    def start(self) -> None:
        if self._thread is not None:
            return
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="epayment-simulator-webhooks", daemon=True
        )
        self._thread.start()
        ready.wait(10)

    def stop(self, timeout: float = 5.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._loop = None  # notify() hands nothing over from now on
        with contextlib.suppress(Exception):  # a loop already gone, or a slow close
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout)
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._thread = None

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.run_until_complete(self.open())
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _shutdown(self) -> None:
        tasks = list(self._tasks)
        self._cancel_all()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    def reset(self, settings: DeliverySettings | None = None) -> None:
        """Forget registrations, queued events and attempts; use `settings` (by default the
        initial ones) from now on."""
        self.registry.clear()
        self.settings = settings or dataclasses.replace(self._initial)
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._cancel_all)
        self.log.forget()

    def advance(self, seconds: float) -> None:
        """The simulated clock moved: pending retry waits shrink by as much schedule time."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._advance, seconds)

    def _advance(self, seconds: float) -> None:
        self._skipped += seconds * self.settings.retry_scale
        self._wake.set()
        self._wake = asyncio.Event()

    async def _retry_wait(self, scaled: float) -> None:
        """Sleep `scaled` real seconds, less whatever clock advances skip meanwhile."""
        skipped_before, due = self._skipped, time.monotonic() + scaled
        while (left := due - time.monotonic() - (self._skipped - skipped_before)) > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), left)

    def _cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._queues.clear()
        self._gates.clear()
        self.log.forget()

    # --- from the backend: any thread, under the backend's lock ----------------------------

    def notify(self, msn: str, event: dict[str, Any]) -> None:
        loop = self._loop
        if loop is None or not self.registry.has_any(msn):
            return
        with contextlib.suppress(RuntimeError):  # the loop is closing: nothing to deliver to
            loop.call_soon_threadsafe(self._accept, msn, event)

    # --- on the delivery loop --------------------------------------------------------------

    def _accept(self, msn: str, event: dict[str, Any]) -> None:
        kind = event_type(event["name"])
        registrations = self.registry.matching(msn, kind)
        if not registrations:
            return
        payload = webhook_payload(msn, event)
        body = json.dumps(payload, separators=(",", ":")).encode()
        for reg in registrations:
            key = (reg.id, event["reference"])
            queue = self._queues.get(key)
            if queue is None:
                queue = self._queues[key] = deque()
                task = asyncio.get_running_loop().create_task(self._drain(key, reg, queue))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            queue.append(Delivery(reg, kind, payload, body, event.get(MARK)))
            self.log.queued(reg.id)

    async def _drain(self, key: tuple[str, str], reg: Registration, queue: deque[Delivery]) -> None:
        """Deliver this pair's events one at a time, in order; stop if the registration goes."""
        try:
            while queue and self.registry.get(reg.id) is reg:
                if not await self._deliver(queue[0]):
                    break
                queue.popleft()
        except Exception:  # a bug here must not silently wedge this pair forever
            log.exception("webhook delivery to %s failed", reg.url)
        finally:
            if self._queues.get(key) is queue:
                del self._queues[key]
            if queue:
                self.log.dropped(reg.id, len(queue))

    async def _deliver(self, delivery: Delivery) -> bool:
        """Attempt until a 2xx or the give-up horizon (True), or the registration goes (False)."""
        reg, waited, attempt = delivery.registration, 0.0, 0
        while True:
            attempt += 1
            started = time.time()
            status, error = await self._attempt(delivery)
            duration = time.time() - started
            if delivery.adversity == FORGED:
                return self._forged(delivery, started, duration, status, error)
            ok = status is not None and 200 <= status < 300
            refused = delivery.adversity == REFUSED_FIRST and attempt == 1
            if refused:  # the answer, whatever it was, is treated as a refusal
                ok, error = False, REFUSED_NOTE
            delay = None if ok else retry_delay(attempt)
            if delay is not None and waited + delay > self.settings.give_up_seconds:
                delay = None
            scaled = None if delay is None else delay * self.settings.retry_scale
            next_retry = None if scaled is None else time.time() + scaled
            entry = attempt_entry(delivery, attempt, started, duration, status, error, next_retry)
            if refused:
                entry["outcome"] = "failed"
            if self.registry.get(reg.id) is not reg:
                return False  # deleted (or reset) while this attempt ran: nothing to record
            self.log.record(reg.id, entry, final=scaled is None)
            if scaled is None:
                return True
            waited += delay or 0.0
            await self._retry_wait(scaled)
            if self.registry.get(reg.id) is not reg:
                return False

    def _forged(
        self, delivery: Delivery, started: float, duration: float, status: int | None, error: Any
    ) -> bool:
        """A forged delivery is tried once, never retried: accepted (2xx) or refused."""
        entry = attempt_entry(delivery, 1, started, duration, status, error, None)
        entry["outcome"] = "accepted" if status is not None and 200 <= status < 300 else "refused"
        self.log.record(delivery.registration.id, entry, final=True)
        return True

    async def _attempt(self, delivery: Delivery) -> tuple[int | None, str | None]:
        """One signed POST: (status, None) on an answer, (None, reason) on none in time."""
        reg, timeout = delivery.registration, self.settings.timeout_seconds
        gate = self._gates.setdefault(reg.id, asyncio.Semaphore(self.settings.max_in_flight))
        async with gate:
            forged = delivery.adversity == FORGED  # signed with a secret nobody registered
            secret = new_secret() if forged else reg.secret
            headers = signed_headers(reg.url, secret, delivery.body, time.time())
            headers["Content-Type"] = "application/json"
            assert self._session is not None
            try:
                async with self._session.post(
                    reg.url,
                    data=delivery.body,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=timeout),
                    allow_redirects=False,  # "can not be a URL that redirects": a 3xx fails
                ) as response:
                    await response.read()
                    return response.status, None
            except TimeoutError:
                return None, f"no answer within {timeout:g} s"
            except aiohttp.ClientError as exc:
                return None, f"{type(exc).__name__}: {exc}"[:300]
