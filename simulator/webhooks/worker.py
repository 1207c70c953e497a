"""The delivery worker process (`python -m simulator.webhooks.worker`): JSON lines in on stdin from
the simulator (events, registrations, settings), attempt reports out on stdout."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections import defaultdict
from typing import Any, TextIO

from simulator.webhooks.attempts import AttemptLog
from simulator.webhooks.delivery import DeliveryEngine
from simulator.webhooks.registry import Registration, WebhookRegistry
from simulator.webhooks.settings import DeliverySettings

NICENESS = 10  # background work: the API process comes first for CPU
FLUSH_SECONDS = 0.02  # reports are batched: one write per 20 ms, not one per attempt


class PipeLog(AttemptLog):
    """The engine's attempt log, reported to the simulator's process instead of kept here."""

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self._out = out
        self._write_lock = threading.Lock()
        self._counts: dict[tuple[str, str], int] = defaultdict(int)  # summed until the flush

    def _line(self, op: str, webhook_id: str, **data: Any) -> None:
        """Called with the lock held: one JSON line into stdout's buffer."""
        line = json.dumps({"op": op, "id": webhook_id, **data}, separators=(",", ":"))
        self._out.write(line + "\n")

    def _counts_out(self) -> None:
        """Called with the lock held: the summed counts, before any attempt they precede."""
        counts, self._counts = self._counts, defaultdict(int)
        for (op, webhook_id), count in counts.items():
            self._line(op, webhook_id, n=count)

    def queued(self, webhook_id: str, count: int = 1) -> None:
        with self._write_lock:
            self._counts["queued", webhook_id] += count

    def record(self, webhook_id: str, entry: dict[str, Any], final: bool) -> None:
        with self._write_lock:
            self._counts_out()
            self._line("attempt", webhook_id, entry=entry, final=final)

    def dropped(self, webhook_id: str, count: int) -> None:
        with self._write_lock:
            self._counts["dropped", webhook_id] += count

    def forget(self, webhook_id: str | None = None) -> None:
        pass  # the simulator's process keeps the log

    def flush_forever(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)
            with self._write_lock:
                self._counts_out()
                self._out.flush()


def apply(engine: DeliveryEngine, message: dict[str, Any]) -> None:
    """One instruction from the simulator, in the order the simulator sent them."""
    op = message["op"]
    if op == "event":
        engine.notify(message["msn"], message["event"])
    elif op == "register":
        fields = message["registration"]
        engine.registry.add(Registration(**{**fields, "events": tuple(fields["events"])}))
    elif op == "delete":
        engine.registry.remove(message["id"])
    elif op == "reset":
        engine.reset(DeliverySettings(**message["settings"]))
    elif op == "settings":
        engine.settings = DeliverySettings(**message["settings"])
    elif op == "advance":
        engine.advance(float(message["seconds"]))


def main() -> int:
    with contextlib.suppress(OSError, AttributeError):  # no os.nice on Windows
        os.nice(NICENESS)
    log = PipeLog(sys.stdout)
    engine = DeliveryEngine(WebhookRegistry(), log=log)
    engine.start()
    threading.Thread(target=log.flush_forever, daemon=True).start()
    for line in sys.stdin.buffer:  # EOF: the simulator stopped (or died), so do we
        apply(engine, json.loads(line))
    engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
