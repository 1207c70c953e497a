"""SimulatorServer: the aiohttp app on its own event loop in a daemon thread (127.0.0.1, port 0)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from types import TracebackType

from aiohttp import web

from simulator.app import build_app
from simulator.config import SalesUnit, SimulatorConfig
from simulator.faults import FaultInjector
from simulator.models import EPaymentBackend
from simulator.observe import ObservedExchange
from simulator.ratelimit import RateLimiter
from simulator.webhooks import DeliverySettings, WebhookDispatcher, WebhookRegistry

__all__ = ["ObservedExchange", "SimulatorServer"]
SWEEP_BATCH = 500  # payments per turn of the sweep: ~1 ms of work, then the loop answers others


class SimulatorServer:
    """Start with start() (returns once the port is bound) or as a context manager; stop() joins."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.backend = EPaymentBackend(
            self.config.sales_units,
            seed=self.config.seed,
            expiry_seconds=self.config.expiry_seconds,
            token_lifetime_seconds=self.config.token_lifetime_seconds,
            transition=self.config.transition,
            retention_seconds=self.config.retention_seconds,
        )
        self.limiter = RateLimiter(self.backend.clock, enabled=self.config.rate_limits)
        self.faults = FaultInjector()
        self.webhooks = WebhookDispatcher(
            WebhookRegistry(),
            DeliverySettings(
                timeout_seconds=self.config.webhook_timeout_seconds,
                retry_scale=self.config.webhook_retry_scale,
                max_in_flight=self.config.webhook_max_in_flight,
            ),
            mode=self.config.webhook_delivery,
        )
        self.backend.add_listener(self.webhooks.notify)  # hands over only, never waits
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._stopping: asyncio.Event | None = None

    @property
    def sales_units(self) -> list[SalesUnit]:
        return self.backend.sales_units

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the simulator is not started")
        host = self.config.host
        host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def reset(self) -> None:
        """Forget payments, tokens, idempotency records, rate-limit windows, armed faults and
        webhook registrations (with their queued deliveries)."""
        self.backend.reset()
        self.limiter.reset()
        self.faults.clear()
        self.webhooks.reset()

    def start(self, timeout: float = 15.0) -> SimulatorServer:
        if self._thread is not None:
            return self
        self._ready.clear()
        self._thread = threading.Thread(target=self._run, name="epayment-simulator", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the simulator did not start in time")
        if self._error is not None:
            self._thread = None
            self.webhooks.stop()
            raise RuntimeError(f"the simulator could not start: {self._error}") from self._error
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None or self._loop is None:
            return
        loop, stopping = self._loop, self._stopping
        if stopping is not None:
            loop.call_soon_threadsafe(stopping.set)
        self._thread.join(timeout)
        self._thread = None
        self._loop = None
        self.webhooks.stop()

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to start() if it happens before readiness
            self._error = exc
            self._ready.set()
        finally:
            loop.close()

    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        app = build_app(self.config, self.backend, self.limiter, self.faults, self.webhooks)
        # keepalive_timeout: aiohttp closes a connection that has not sent a whole request
        # head this long after it opened or was last answered (idle and slow-head timeout)
        runner = web.AppRunner(
            app,
            access_log=None,
            handle_signals=False,
            keepalive_timeout=self.config.idle_timeout_seconds,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.config.host, self.config.port, reuse_address=True)
        await site.start()
        self.port = runner.addresses[0][1]
        self.backend.base_url = (self.config.public_url or self.base_url).rstrip("/")
        await self.webhooks.open()
        sweeper = asyncio.create_task(self._sweep())
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            await self.webhooks.close()
            await runner.cleanup()

    async def _sweep(self) -> None:
        """Expire payments nobody looks at, progress timed transitions, forget what is past
        retention, in the background. It touches only what is due, in batches, and lets the
        requests waiting on this loop in between (10,000 payments expiring at once must not
        stall an answer)."""
        while True:
            await asyncio.sleep(self.config.sweep_interval_seconds)
            while self.backend.sweep(limit=SWEEP_BATCH) == SWEEP_BATCH:
                await asyncio.sleep(0)
            self.limiter.prune()
