"""An integration session (target, recorder, probes, findings), shared by the CLI and a page."""

from __future__ import annotations

import dataclasses
import logging
import threading
from types import TracebackType
from typing import Any

from lib.exchange import Exchange
from lib.integration.capture import SystemKey
from lib.integration.findings import Finding
from lib.integration.proxy import RecordingProxy
from lib.integration.recording import TrafficRecorder
from lib.integration.rules import evaluate
from lib.integration.traffic import Thresholds
from lib.integration.webhook_probe import attempts_as_exchanges, send_probes
from lib.recorder import Store
from lib.settings import BASE_URLS
from lib.simulator_control import SimulatorControl, SimulatorControlError

log = logging.getLogger("epayment_lab.integration")


def target_kind(target: str) -> str:
    """ "simulator", "test", or "custom" for an upstream URL."""
    return target if target in ("simulator", "test") else "custom"


class IntegrationSession:
    """Records one or more systems' traffic on a target: "simulator", "test" or an http(s) URL.

    On the simulator target the whole simulator (control plane included) is served at base_url
    and the lab probes registered webhook endpoints with forged and unsigned deliveries.
    """

    def __init__(
        self,
        target: str,
        *,
        store: Store,
        port: int = 0,
        ca_file: str | None = None,
        thresholds: Thresholds | None = None,
        simulator_config: Any = None,
        probe_delay: float = 2.0,
    ) -> None:
        self.target = target
        self.kind = target_kind(target)
        self.port = port
        self.ca_file = ca_file
        self.thresholds = thresholds or Thresholds()
        self.simulator_config = simulator_config
        self.probe_delay = probe_delay
        self.recorder = TrafficRecorder(
            store, target=self.kind, on_webhook_registered=self._registered
        )
        self.simulator: Any = None  # a simulator.SimulatorServer on the simulator target
        self.proxy: RecordingProxy | None = None
        self._probed: set[str] = set()
        self._timers: list[threading.Timer] = []
        self._attempts_seen: set[tuple[Any, ...]] = set()
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def upstream(self) -> str | None:
        return None if self.kind == "simulator" else BASE_URLS.get(self.target, self.target)

    @property
    def base_url(self) -> str:
        server = self.simulator or self.proxy
        if server is None:
            raise RuntimeError("the session is not started")
        return str(server.base_url)

    @property
    def stopped(self) -> bool:
        return self._stopped

    @property
    def recording_failures(self) -> int:
        """Exchanges that could not be recorded (the traffic itself was never affected)."""
        lost = self.proxy.submit_failures if self.proxy is not None else 0
        return self.recorder.failures + lost

    @property
    def sales_units(self) -> list[Any]:
        return list(self.simulator.sales_units) if self.simulator is not None else []

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> IntegrationSession:
        """Serves the target on 127.0.0.1:port; raises (OSError, RuntimeError) when it cannot."""
        self.recorder.start()
        try:
            if self.kind == "simulator":
                self.simulator = self._start_simulator()
            else:
                self.proxy = RecordingProxy(
                    self.upstream or "",
                    submit=self.recorder.submit,
                    port=self.port,
                    ca_file=self.ca_file,
                ).start()
        except BaseException:
            self.recorder.stop()
            raise
        self.recorder.base_url = self.base_url if self.simulator else (self.upstream or "")
        return self

    def _start_simulator(self) -> Any:
        # Imported here: the simulator is only needed for this target.
        from simulator import SimulatorConfig, SimulatorServer

        config = self.simulator_config or SimulatorConfig()
        config = dataclasses.replace(
            config, host="127.0.0.1", port=self.port, observer=self._chain(config.observer)
        )
        return SimulatorServer(config).start()

    def _chain(self, observer: Any) -> Any:
        if observer is None:
            return self.recorder.observe

        def both(exchange: Any) -> None:
            observer(exchange)
            self.recorder.observe(exchange)

        return both

    def stop(self) -> None:
        """Stops serving; probes endpoints not probed yet and reads the last delivery attempts."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            timers, self._timers = self._timers, []
        for timer in timers:
            timer.cancel()
            timer.join(30)  # a probe already on its way finishes and is recorded
        self.recorder.flush()
        for url, system in list(self.recorder.webhook_urls.items()):
            self.probe(url, system)
        self.import_attempts()
        for server in (self.simulator, self.proxy):
            if server is not None:
                server.stop()
        self.recorder.flush()
        self.recorder.stop()

    def __enter__(self) -> IntegrationSession:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- what the lab adds -------------------------------------------------------------------

    def _registered(self, url: str, system: SystemKey) -> None:
        """A system registered a webhook: probe it shortly (it may still be storing its secret)."""
        if self.kind != "simulator":
            return
        timer = threading.Timer(self.probe_delay, self.probe, (url, system))
        timer.daemon = True
        with self._lock:
            self._timers.append(timer)
        timer.start()

    def probe(self, url: str, system: SystemKey) -> None:
        """Sends `url` one forged and one unsigned delivery (once per url, simulator only)."""
        with self._lock:
            if self.kind != "simulator" or url in self._probed:
                return
            self._probed.add(url)
        msn = self.recorder.webhook_msns.get(url) or self.sales_units[0].merchant_serial_number
        reference = self.recorder.last_reference.get(system) or "epl-webhook-probe"
        for exchange in send_probes(url, msn, reference, target=self.kind):
            self.recorder.add(exchange, system)

    def import_attempts(self) -> None:
        """The simulator's delivery attempts to the systems' endpoints, as exchanges."""
        if self.simulator is None:
            return
        try:
            listing = SimulatorControl(self.simulator.base_url).webhook_attempts()
        except SimulatorControlError as error:
            log.warning("could not read the webhook delivery attempts: %s", error)
            return
        for url, exchange in attempts_as_exchanges(listing, self._attempts_seen, self.kind):
            system = self.recorder.webhook_urls.get(url, (None, None))
            self.recorder.add(exchange, system)

    # -- results -----------------------------------------------------------------------------

    def exchanges(self) -> list[Exchange]:
        self.recorder.flush()
        return self.recorder.exchanges()

    def findings(self) -> list[Finding]:
        """Every rule over every exchange recorded in this session (all systems), at any time."""
        if not self._stopped:
            self.import_attempts()
        return evaluate(self.exchanges(), self.thresholds)
