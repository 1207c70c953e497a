"""WorkerDelivery: delivery in a worker process of its own (`python -m simulator.webhooks.worker`),
fed over its stdin; its attempt reports come back over its stdout into the attempt log."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from simulator.webhooks.attempts import AttemptLog
from simulator.webhooks.registry import Registration, WebhookRegistry
from simulator.webhooks.settings import DeliverySettings, settings_message

log = logging.getLogger(__name__)
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding `simulator/`
BATCH = 500  # messages per write to the worker
WRITE_INTERVAL = 0.005  # seconds between writes when the queue ran dry


class WorkerDelivery:
    """The worker starts with the first registration and is restarted, with the current
    registrations and settings, at the next message if it died. `notify` only appends the event
    to a deque; a writer thread feeds the worker's stdin, a reader thread applies its attempt
    reports to the log. The worker is niced, so the API comes first for CPU."""

    def __init__(
        self,
        registry: WebhookRegistry,
        log: AttemptLog,
        settings: Callable[[], DeliverySettings],
    ) -> None:
        self.registry = registry
        self.log = log
        self._settings = settings  # the current ones, replayed to a fresh worker
        self._pending: deque[dict[str, Any] | None] = deque()  # append/popleft: thread-safe
        self._lock = threading.Lock()
        self._writer: threading.Thread | None = None
        self.process: subprocess.Popen[bytes] | None = None

    # --- what the dispatcher tells the deliverer ----------------------------------------------

    def registered(self, reg: Registration) -> None:
        self._send({"op": "register", "registration": dataclasses.asdict(reg)})

    def deleted(self, webhook_id: str) -> None:
        self._send({"op": "delete", "id": webhook_id})

    def settings_changed(self, settings: DeliverySettings) -> None:
        self._send(settings_message("settings", settings))

    def reset(self, settings: DeliverySettings) -> None:
        if self._writer is not None:
            self._send(settings_message("reset", settings))

    def advance(self, seconds: float) -> None:
        if self._writer is not None:
            self._send({"op": "advance", "seconds": seconds})

    def notify(self, msn: str, event: dict[str, Any]) -> None:
        self._pending.append({"op": "event", "msn": msn, "event": event})

    async def open(self) -> None:
        """Nothing to do: the worker starts with the first registration."""

    async def close(self) -> None:
        """Nothing to do on the server's loop: stop() ends the worker."""

    def stop(self, timeout: float = 5.0) -> None:
        writer = self._writer
        if writer is not None:
            self._pending.append(None)
            writer.join(timeout)
            self._writer = None

    def _send(self, message: dict[str, Any]) -> None:
        with self._lock:
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_loop, name="epayment-simulator-webhooks", daemon=True
                )
                self._writer.start()
        self._pending.append(message)

    # --- the writer thread --------------------------------------------------------------------

    def _write_loop(self) -> None:
        """Every WRITE_INTERVAL, one write of whatever is queued; None (from stop()) ends it.
        Polling, not waking per event, keeps this thread off the GIL while the API answers."""
        try:
            while True:
                batch: list[dict[str, Any] | None] = []
                while self._pending and len(batch) < BATCH:
                    batch.append(self._pending.popleft())
                stopping = None in batch
                messages = [m for m in batch[: batch.index(None)] if m] if stopping else batch
                if messages:
                    self._write(b"".join(json.dumps(m).encode() + b"\n" for m in messages))
                if stopping:
                    return
                if len(batch) < BATCH:
                    time.sleep(WRITE_INTERVAL)
        finally:
            self._close()

    def _write(self, data: bytes) -> None:
        for _ in range(2):  # once more with a fresh worker if this one has died
            stdin = self._worker_stdin()
            try:
                stdin.write(data)
                stdin.flush()
                return
            except (OSError, ValueError):
                log.warning("the webhook delivery worker died; starting another")
                self.process = None

    def _worker_stdin(self) -> IO[bytes]:
        process = self.process
        if process is None or process.poll() is not None:
            process = self.process = self._spawn()
            replay = [settings_message("settings", self._settings())] + [
                {"op": "register", "registration": dataclasses.asdict(r)}
                for r in self.registry.registrations()
            ]
            assert process.stdin is not None
            process.stdin.write(b"".join(json.dumps(m).encode() + b"\n" for m in replay))
        assert process.stdin is not None
        return process.stdin

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
        process = subprocess.Popen(
            [sys.executable, "-m", "simulator.webhooks.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        threading.Thread(target=self._read_loop, args=(process,), daemon=True).start()
        return process

    def _close(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        try:  # deliveries in flight are cut off: stop() means the simulator is going away
            assert process.stdin is not None
            process.stdin.close()
            process.terminate()
            process.wait(3)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()

    # --- the reader thread ----------------------------------------------------------------------

    def _read_loop(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                report = json.loads(line)
            except ValueError:
                continue
            webhook_id = report.get("id")
            if self.registry.get(webhook_id) is None:
                continue  # deleted or reset meanwhile: its log is gone
            if report["op"] == "queued":
                self.log.queued(webhook_id, report["n"])
            elif report["op"] == "attempt":
                self.log.record(webhook_id, report["entry"], report["final"])
            elif report["op"] == "dropped":
                self.log.dropped(webhook_id, report["n"])
            time.sleep(0)  # let a waiting API thread have the GIL between reports
