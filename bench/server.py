"""Starts the simulator as its own process (`python -m simulator`): load and server share no GIL."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests

from simulator import DEFAULT_SALES_UNIT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Target:
    base_url: str
    unit: Any  # simulator.SalesUnit

    def api_headers(self, token: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token}",
            "Ocp-Apim-Subscription-Key": self.unit.subscription_key,
            "Merchant-Serial-Number": self.unit.merchant_serial_number,
        }

    def token(self) -> str:
        headers = {
            "client_id": self.unit.client_id,
            "client_secret": self.unit.client_secret,
            "Ocp-Apim-Subscription-Key": self.unit.subscription_key,
            "Merchant-Serial-Number": self.unit.merchant_serial_number,
        }
        response = requests.post(f"{self.base_url}/accesstoken/get", headers=headers, timeout=10)
        response.raise_for_status()
        return response.json()["access_token"]


@contextmanager
def simulator_process(timeout: float = 20.0) -> Iterator[Target]:
    """`python -m simulator --no-rate-limits` on a free loopback port, stopped on exit."""
    port = free_port()
    command = [sys.executable, "-m", "simulator", "--port", str(port), "--no-rate-limits"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"simulator exited: {process.stderr.read().decode()[-2000:]}")
            try:
                if requests.get(f"{base_url}/_sim/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"simulator not ready on {base_url} within {timeout} s")
            time.sleep(0.1)
        yield Target(base_url, DEFAULT_SALES_UNIT)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
