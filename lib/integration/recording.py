"""The traffic recorder: a queue drained by one thread into a run per system, off the hot path."""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lib.exchange import Exchange, utc_now
from lib.integration.capture import (
    Captured,
    SystemKey,
    from_observed,
    header,
    system_of,
    to_exchange,
)
from lib.integration.operations import is_lab_path
from lib.recorder import Recorder, Redactor, Store

log = logging.getLogger("epayment_lab.integration")

LAB_SYSTEMS = frozenset({"epayment-lab"})  # the lab's own client records its own calls
REHEARSAL = "rehearsal: exchanges with the simulator or a custom URL are never proof for Vipps"
Registered = Callable[[str, SystemKey], None]


@dataclass(frozen=True)
class _LabExchange:
    """An exchange the lab made about a system (a webhook probe or delivery attempt)."""

    exchange: Exchange
    system: SystemKey


class TrafficRecorder:
    """`submit()` is O(1) and never raises; the thread converts, redacts (Recorder) and stores.

    A failure to record is counted (`failures`, `last_failure`) and logged, never raised: the
    traffic it observes has already been answered.
    """

    def __init__(
        self,
        store: Store,
        *,
        target: str,
        base_url: str = "",
        ignore_systems: frozenset[str] = LAB_SYSTEMS,
        on_webhook_registered: Registered | None = None,
    ) -> None:
        self.store = store
        self.target = target
        self.base_url = base_url
        self.ignore_systems = ignore_systems
        self.on_webhook_registered = on_webhook_registered
        self.redactor = Redactor()  # shared by the runs: a secret learned once is hidden in all
        self.recorded = self.failures = self.ignored = 0
        self.last_failure: str | None = None
        self.webhook_urls: dict[str, SystemKey] = {}
        self.webhook_msns: dict[str, str] = {}
        self.last_reference: dict[SystemKey, str] = {}
        self._recorders: dict[SystemKey, Recorder] = {}
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    # -- the hot path (event loop threads) ---------------------------------------------------

    def submit(self, captured: Captured) -> None:
        self._queue.put(captured)

    def observe(self, observed: Any) -> None:
        """`SimulatorConfig.observer`: stamp the time and queue; conversion happens later."""
        self._queue.put((observed, utc_now()))

    def add(self, exchange: Exchange, system: SystemKey) -> None:
        self._queue.put(_LabExchange(exchange, system))

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> TrafficRecorder:
        if self._thread is None:
            self._thread = threading.Thread(target=self._drain, name="integration-recorder")
            self._thread.daemon = True
            self._thread.start()
        return self

    def flush(self, timeout: float = 10.0) -> bool:
        """Waits until everything queued so far is recorded (or failed)."""
        if self._thread is None:
            return True
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    # -- reading -----------------------------------------------------------------------------

    @property
    def run_ids(self) -> list[str]:
        return [r.run_id for r in list(self._recorders.values())]

    def exchanges(self) -> list[Exchange]:
        """Every exchange of this session's runs, in the order they were recorded."""
        found = [ex for run in self.run_ids for ex in self.store.exchanges(run_id=run)]
        return sorted(found, key=lambda ex: ex.id or 0)

    def systems(self) -> dict[SystemKey, str]:
        return {key: r.run_id for key, r in list(self._recorders.items())}

    # -- the recording thread ----------------------------------------------------------------

    def _drain(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            try:
                self._handle(item)
            except Exception as error:  # noqa: BLE001 - counted and shown, never raised
                self.failures += 1
                self.last_failure = f"{type(error).__name__}: {error}"
                log.exception("recording an exchange failed (the traffic itself was not affected)")

    def _handle(self, item: Any) -> None:
        if isinstance(item, _LabExchange):
            self._recorder(item.system).record(item.exchange)
            self.recorded += 1
            return
        if isinstance(item, tuple):
            observed, at = item
            item = from_observed(observed, at)
        self._record(item)

    def _record(self, captured: Captured) -> None:
        if is_lab_path(captured.path):
            return  # the simulator's control plane and pages: the lab's tools, not the API
        system = system_of(captured.request_headers)
        if system[0] in self.ignore_systems:
            self.ignored += 1
            return
        exchange = to_exchange(captured, self.base_url, self.target)
        self._recorder(system).record(exchange)
        self.recorded += 1
        if exchange.operation == "create_payment" and exchange.reference:
            self.last_reference[system] = exchange.reference
        if exchange.operation == "register_webhook" and exchange.status == 201:
            self._registered(exchange, system)

    def _registered(self, exchange: Exchange, system: SystemKey) -> None:
        try:
            url = json.loads(exchange.request_body or "{}").get("url")
        except (ValueError, AttributeError):
            return
        if isinstance(url, str):
            self.webhook_urls[url] = system
            msn = header(exchange.request_headers, "Merchant-Serial-Number")
            if msn:
                self.webhook_msns[url] = msn
            if self.on_webhook_registered is not None:
                self.on_webhook_registered(url, system)

    def _recorder(self, system: SystemKey) -> Recorder:
        recorder = self._recorders.get(system)
        if recorder is None:
            recorder = Recorder(self.store, run_label(self.target, system), redactor=self.redactor)
            meta = {
                "integration:target": self.target,
                "integration:base_url": self.base_url,
                "integration:system_name": system[0],
                "integration:plugin_name": system[1],
                "evidence": None if self.target == "test" else REHEARSAL,
            }
            for key, value in meta.items():
                if value:
                    recorder.set_run_meta(key, value)
            self._recorders[system] = recorder
        return recorder


def run_label(target: str, system: SystemKey) -> str:
    name, plugin = system
    who = name or "no Vipps-System-Name"
    return f"integration ({target}): {who}" + (f" / {plugin}" if plugin and plugin != name else "")
