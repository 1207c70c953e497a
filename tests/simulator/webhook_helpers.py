"""A tiny webhook receiver for the simulator's delivery tests, and an independent verifier."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from simulator import SimulatorConfig, SimulatorServer
from tests.simulator.helpers import Api

HOOKS = "/webhooks/v1/webhooks"
WAIT = 20.0  # generous bound on waiting for deliveries: a failure, not a timing assertion


@dataclass(frozen=True)
class Received:
    path: str  # path and query as received
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


class Receiver:
    """ThreadingHTTPServer on 127.0.0.1:0. Answers the given statuses in order, then 200; with
    `hang`, holds every request until release(). Records every request it reads."""

    def __init__(self, statuses: tuple[int, ...] = (), hang: bool = False) -> None:
        self.received: list[Received] = []
        self._statuses = list(statuses)
        self._hang = hang
        self._released = threading.Event()
        self._cond = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # a short poll interval keeps close() quick
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/in?source=sim"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = receiver._record(Received(self.path, headers, body))
                if receiver._hang:
                    receiver._released.wait(WAIT)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def _record(self, received: Received) -> int:
        with self._cond:
            self.received.append(received)
            self._cond.notify_all()
            return self._statuses.pop(0) if self._statuses else 200

    def wait_for(self, count: int) -> list[Received]:
        with self._cond:
            done = self._cond.wait_for(lambda: len(self.received) >= count, WAIT)
            assert done, f"{len(self.received)} of {count} deliveries arrived"
            return list(self.received)

    def release(self) -> None:
        self._released.set()

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def receivers(*made: Receiver) -> Iterator[tuple[Receiver, ...]]:
    try:
        yield made
    finally:
        for receiver in made:
            receiver.close()


def attempts_of(base_url: str, webhook_id: str) -> list[dict[str, Any]]:
    body = requests.get(f"{base_url}/_sim/webhooks", timeout=10).json()
    return next(h["attempts"] for h in body["webhooks"] if h["id"] == webhook_id)


def wait_for_attempts(base_url: str, webhook_id: str, count: int) -> list[dict[str, Any]]:
    """Polls the control plane until `count` attempts are recorded (bounded by WAIT)."""
    deadline = time.monotonic() + WAIT
    while len(attempts := attempts_of(base_url, webhook_id)) < count:
        assert time.monotonic() < deadline, f"{len(attempts)} of {count} attempts recorded"
        time.sleep(0.01)
    return attempts


def register(api: Api, url: str, events: list[str]) -> dict[str, Any]:
    response = api.call("POST", HOOKS, None, json={"url": url, "events": events})
    assert response.status_code == 201, response.text
    return response.json()


def verify(secret: str, received: Received) -> bool:
    """The receiver's check, written apart from the simulator's signing code on purpose."""
    headers = received.headers
    body_hash = base64.b64encode(hashlib.sha256(received.body).digest()).decode()
    if headers.get("x-ms-content-sha256") != body_hash:
        return False
    message = f"POST\n{received.path}\n{headers['x-ms-date']};{headers['host']};{body_hash}"
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    expected = (
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="
        + base64.b64encode(digest).decode()
    )
    return hmac.compare_digest(headers.get("authorization", ""), expected)


class ByDeliveryMode:
    """The shared simulator for its own delivery mode; one more, started when first asked for,
    for each other mode (same config otherwise, spec observer included)."""

    def __init__(self, shared: SimulatorServer, config: SimulatorConfig) -> None:
        self.config = config
        self.servers = {shared.webhooks.mode: shared}
        self.started: list[SimulatorServer] = []

    def get(self, mode: str) -> SimulatorServer:
        if mode not in self.servers:
            config = dataclasses.replace(self.config, webhook_delivery=mode)
            self.servers[mode] = SimulatorServer(config).start()
            self.started.append(self.servers[mode])
        return self.servers[mode]
