"""Webhook benchmark: the API's latency on a paced create->approve->capture flow, without webhooks
and with 25 registrations (3 events each) on slow receivers (issue 7: median within 10%)."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import aiohttp
import requests
from aiohttp import web

from bench.server import Target, free_port

STEPS = ("create", "force approve", "capture")
EVENTS = [
    "epayments.payment.created.v1",
    "epayments.payment.authorized.v1",
    "epayments.payment.captured.v1",
]


def serve_receivers(port: int, delay: float) -> None:
    """In its own process: answers every POST 200 after `delay` s (a slow receiver); GET /count.
    Niced: the receivers stand in for other machines, so they should not take the API's CPU."""
    os.nice(10)
    count = 0

    async def hook(request: web.Request) -> web.Response:
        nonlocal count
        await request.read()
        await asyncio.sleep(delay)
        count += 1
        return web.Response(status=200)

    async def total(request: web.Request) -> web.Response:
        return web.json_response({"count": count})

    app = web.Application()
    app.router.add_post("/hook/{n}", hook)
    app.router.add_get("/count", total)
    web.run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=True)


@dataclass
class Latencies:
    steps: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: int = 0
    elapsed: float = 0.0

    @property
    def all(self) -> list[float]:
        return [v for values in self.steps.values() for v in values]


async def _flow(
    session: aiohttp.ClientSession,
    api: str,
    headers: dict,
    out: Latencies,
    currency: str = "NOK",
) -> None:
    """create -> force approve -> capture: three events, each delivered to every registration."""
    reference = f"bench-wh-{uuid.uuid4().hex[:16]}"
    body = {
        "amount": {"currency": currency, "value": 1000},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://example.com/return",
        "paymentDescription": "Benchmark",
    }
    money = {"modificationAmount": {"currency": currency, "value": 1000}}
    calls = (
        ("create", f"{api}/payments", body, True, 201),
        ("force approve", f"{api}/test/payments/{reference}/approve", {}, False, 200),
        ("capture", f"{api}/payments/{reference}/capture", money, True, 200),
    )
    for step, url, payload, keyed, expected in calls:
        extra = {"Idempotency-Key": uuid.uuid4().hex} if keyed else {}
        started = time.perf_counter()
        async with session.post(url, json=payload, headers={**headers, **extra}) as response:
            await response.read()
        if response.status != expected:
            out.errors += 1
            return
        out.steps[step].append(time.perf_counter() - started)


async def _paced(target: Target, headers: dict, rate: float, seconds: float) -> Latencies:
    """Open loop: a new flow every 1/rate s whatever the answers (a slower API shows as latency)."""
    out, api, tasks = Latencies(), f"{target.base_url}/epayment/v1", []
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        for n in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(_flow(session, api, headers, out)))
        await asyncio.gather(*tasks)
        out.elapsed = time.perf_counter() - started
    return out


def register_all(target: Target, headers: dict, receiver_port: int, count: int) -> list[str]:
    ids = []
    for n in range(count):
        url = f"http://127.0.0.1:{receiver_port}/hook/{n}"
        response = requests.post(
            f"{target.base_url}/webhooks/v1/webhooks",
            json={"url": url, "events": EVENTS},
            headers=headers,
            timeout=10,
        )
        response.raise_for_status()
        ids.append(response.json()["id"])
    return ids


def delete_all(target: Target, headers: dict, ids: list[str]) -> None:
    for webhook_id in ids:
        url = f"{target.base_url}/webhooks/v1/webhooks/{webhook_id}"
        requests.delete(url, headers=headers, timeout=10).raise_for_status()


def received(port: int) -> int:
    return requests.get(f"http://127.0.0.1:{port}/count", timeout=10).json()["count"]


@dataclass(frozen=True)
class Comparison:
    without: Latencies
    with_hooks: Latencies
    registrations: int
    rate: float
    received: int  # deliveries the receivers answered

    def ratio(self) -> float:
        return statistics.median(self.with_hooks.all) / statistics.median(self.without.all)

    def verdict(self, limit: float = 1.10) -> str:
        """The issue's target: the API's median latency with webhooks within 10% of without."""
        ms = [statistics.median(x.all) * 1000 for x in (self.without, self.with_hooks)]
        met = "met" if self.ratio() <= limit else "NOT met"
        return (
            f"webhooks: API median {ms[1]:.2f} ms with {self.registrations} registrations vs "
            f"{ms[0]:.2f} ms without ({self.ratio() - 1:+.0%}); within {limit - 1:.0%}: {met}; "
            f"{self.received} deliveries received at {self.rate:g} flows/s"
        )


def _merge(into: Latencies, block: Latencies) -> None:
    for step, values in block.steps.items():
        into.steps[step].extend(values)
    into.errors += block.errors
    into.elapsed += block.elapsed


def run(
    target: Target,
    headers: dict,
    *,
    registrations: int = 25,
    rate: float = 10.0,
    seconds: float = 8.0,
    delay: float = 0.2,
    blocks: int = 8,
) -> Comparison:
    """A warm-up, then blocks of `seconds * 2 / blocks` at the same pace, alternately without
    webhooks and with `registrations` on receivers answering after `delay` s, so drift in the
    machine's load hits both sides alike (same simulator process)."""
    port = free_port()
    command = [sys.executable, "-m", "bench.webhooks", str(port), str(delay)]
    receiver = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    without, with_hooks = Latencies(), Latencies()
    try:
        _wait_ready(port)
        asyncio.run(_paced(target, headers, rate, 1.0))  # warm-up
        for block in range(blocks):
            hooked = block % 2 == 1
            ids = register_all(target, headers, port, registrations) if hooked else []
            measured = asyncio.run(_paced(target, headers, rate, seconds * 2 / blocks))
            _merge(with_hooks if hooked else without, measured)
            delete_all(target, headers, ids)
        count = received(port)
    finally:
        receiver.terminate()
        receiver.wait(5)
    return Comparison(without, with_hooks, registrations, rate, count)


def _wait_ready(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            requests.get(f"http://127.0.0.1:{port}/count", timeout=1)
            return
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


if __name__ == "__main__":  # the slow receivers' own process: python -m bench.webhooks PORT DELAY
    serve_receivers(int(sys.argv[1]), float(sys.argv[2]))
