"""Timeouts a production server has: an idle connection or a slow request head is closed, a body
that stops arriving is answered 408; slow but live clients are served. Over raw sockets."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from simulator import SimulatorConfig, SimulatorServer

TIMEOUT = 0.5


@pytest.fixture(scope="module")
def quick() -> Iterator[SimulatorServer]:
    config = SimulatorConfig(
        port=0, rate_limits=False, idle_timeout_seconds=TIMEOUT, body_timeout_seconds=TIMEOUT
    )
    with SimulatorServer(config) as server:
        yield server


def _connect(sim: SimulatorServer) -> socket.socket:
    assert sim.port is not None
    sock = socket.create_connection(("127.0.0.1", sim.port), timeout=5)
    return sock


def _head(sim: SimulatorServer, method: str, path: str, length: int | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{sim.port}"]
    if length is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {length}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Reads until the server closes; (closed in time, what it sent)."""
    deadline, got = time.monotonic() + seconds, b""
    sock.settimeout(0.1)
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            return True, got
        got += chunk
    return False, got


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_silent_connection__closed(quick: SimulatorServer) -> None:
    with _connect(quick) as sock:
        closed, got = _closed_within(sock, 4 * TIMEOUT)
    assert closed and got == b""


def test_half_sent_head__closed(quick: SimulatorServer) -> None:
    with _connect(quick) as sock:
        sock.sendall(b"GET /_sim/health HTTP/1.1\r\nHost: 127.0.0.1")
        closed, _ = _closed_within(sock, 4 * TIMEOUT)
    assert closed


def test_idle_keep_alive__closed_after_the_answer(quick: SimulatorServer) -> None:
    with _connect(quick) as sock:
        sock.sendall(_head(quick, "GET", "/_sim/health"))
        closed, got = _closed_within(sock, 4 * TIMEOUT)
    assert closed and _status(got) == 200


def test_stalled_body__408_then_closed(quick: SimulatorServer) -> None:
    started = time.monotonic()
    with _connect(quick) as sock:
        sock.sendall(_head(quick, "POST", "/_sim/clock/advance", length=100) + b'{"seconds"')
        sock.settimeout(4 * TIMEOUT)
        answer = b""
        while b'"status":408' not in answer:
            answer += sock.recv(65536)
        assert time.monotonic() - started < 4 * TIMEOUT
        sock.sendall(b" " * 90)  # what aiohttp reads (lingering) before it closes
        closed, _ = _closed_within(sock, 2)
    assert _status(answer) == 408 and b"Connection: close" in answer and closed


def test_slow_but_live_body__served(quick: SimulatorServer) -> None:
    """Ten pieces 0.2 s apart: two seconds in all, four times the timeout, never idle that long."""
    body = b'{"seconds": 1' + b" " * 8 + b"}"
    pieces = [body[i : i + 2] for i in range(0, len(body), 2)]
    with _connect(quick) as sock:
        sock.sendall(_head(quick, "POST", "/_sim/clock/advance", length=len(body)))
        for piece in pieces:
            time.sleep(TIMEOUT * 0.4)
            sock.sendall(piece)
        sock.settimeout(5)
        answer = sock.recv(65536)
    assert _status(answer) == 200, answer


def test_slow_but_live_head__served(quick: SimulatorServer) -> None:
    head = _head(quick, "GET", "/_sim/health")
    with _connect(quick) as sock:
        for i in range(0, len(head), 8):
            sock.sendall(head[i : i + 8])
            time.sleep(TIMEOUT * 0.6 / (len(head) / 8))
        sock.settimeout(5)
        assert _status(sock.recv(65536)) == 200


def test_keep_alive_client_that_comes_back_in_time__served(quick: SimulatorServer) -> None:
    with _connect(quick) as sock:
        sock.settimeout(5)
        for _ in range(4):  # four requests, 0.3 s apart: 1.2 s on one connection
            sock.sendall(_head(quick, "GET", "/_sim/health"))
            assert _status(sock.recv(65536)) == 200
            time.sleep(TIMEOUT * 0.6)


def test_defaults_are_a_production_servers() -> None:
    config = SimulatorConfig()
    assert config.idle_timeout_seconds == 60 and config.body_timeout_seconds == 60
