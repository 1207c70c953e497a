"""Closed-loop load over aiohttp: workers repeat a scenario for a fixed time, timing each step."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

FLOW_STEPS = ("create", "force approve", "capture", "refund")


class StepFailed(Exception):
    """A step got a status other than the one the flow needs; the flow stops there."""


@dataclass
class Samples:
    """Latencies in seconds per step (and "flow" for whole flows), errors per step."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    elapsed: float = 0.0


Scenario = Callable[[aiohttp.ClientSession, Samples, int], Awaitable[None]]


async def _timed(
    samples: Samples, step: str, expected: int, request: Awaitable[aiohttp.ClientResponse]
) -> None:
    started = time.perf_counter()
    async with await request as response:
        await response.read()
        if response.status != expected:
            samples.errors[step] += 1
            raise StepFailed(f"{step}: {response.status}")
    samples.latencies[step].append(time.perf_counter() - started)


def flow_scenario(base_url: str, headers: dict[str, str], value: int = 1000) -> Scenario:
    """create -> force approve -> capture (all) -> refund (all): 4 requests, each state-changing."""
    api = f"{base_url}/epayment/v1"

    async def run(session: aiohttp.ClientSession, samples: Samples, worker: int) -> None:
        reference = f"bench-{worker}-{uuid.uuid4().hex[:16]}"
        body = {
            "amount": {"currency": "NOK", "value": value},
            "paymentMethod": {"type": "WALLET"},
            "reference": reference,
            "userFlow": "WEB_REDIRECT",
            "returnUrl": "https://example.com/return",
            "paymentDescription": "Benchmark",
        }
        money = {"modificationAmount": {"currency": "NOK", "value": value}}

        def keyed() -> dict[str, str]:
            return {**headers, "Idempotency-Key": uuid.uuid4().hex}

        started = time.perf_counter()
        try:
            post = session.post
            await _timed(
                samples, "create", 201, post(f"{api}/payments", json=body, headers=keyed())
            )
            approve = f"{api}/test/payments/{reference}/approve"
            await _timed(samples, "force approve", 200, post(approve, json={}, headers=headers))
            capture = f"{api}/payments/{reference}/capture"
            await _timed(samples, "capture", 200, post(capture, json=money, headers=keyed()))
            refund = f"{api}/payments/{reference}/refund"
            await _timed(samples, "refund", 200, post(refund, json=money, headers=keyed()))
        except StepFailed:
            return
        samples.latencies["flow"].append(time.perf_counter() - started)

    return run


def get_scenario(base_url: str, headers: dict[str, str], references: list[str]) -> Scenario:
    """GET one of many existing payments, round robin (the Python fallback when wrk is missing)."""
    cycle = itertools.cycle(references)

    async def run(session: aiohttp.ClientSession, samples: Samples, worker: int) -> None:
        url = f"{base_url}/epayment/v1/payments/{next(cycle)}"
        with contextlib.suppress(StepFailed):  # counted in samples.errors
            await _timed(samples, "get", 200, session.get(url, headers=headers))

    return run


async def _drive(scenario: Scenario, seconds: float, concurrency: int) -> Samples:
    samples = Samples()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        deadline = time.perf_counter() + seconds

        async def worker(index: int) -> None:
            while time.perf_counter() < deadline:
                await scenario(session, samples, index)

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        samples.elapsed = time.perf_counter() - started
    return samples


def run_load(scenario: Scenario, seconds: float, concurrency: int, warmup: float = 1.0) -> Samples:
    """A warm-up (discarded), then the measured run."""
    if warmup > 0:
        asyncio.run(_drive(scenario, warmup, concurrency))
    return asyncio.run(_drive(scenario, seconds, concurrency))


def create_payments(base_url: str, headers: dict[str, str], count: int) -> list[str]:
    """Payments for the GET benchmark, half of them authorized so the bodies vary."""

    async def make() -> list[str]:
        references = []
        async with aiohttp.ClientSession() as session:
            for index in range(count):
                reference = f"bench-get-{index}-{uuid.uuid4().hex[:12]}"
                body: dict[str, Any] = {
                    "amount": {"currency": "NOK", "value": 1000 + index},
                    "paymentMethod": {"type": "WALLET"},
                    "reference": reference,
                    "userFlow": "QR",
                }
                keyed = {**headers, "Idempotency-Key": uuid.uuid4().hex}
                url = f"{base_url}/epayment/v1/payments"
                async with session.post(url, json=body, headers=keyed) as response:
                    if response.status != 201:
                        raise RuntimeError(f"create: {response.status} {await response.text()}")
                if index % 2:
                    approve = f"{base_url}/epayment/v1/test/payments/{reference}/approve"
                    async with session.post(approve, json={}, headers=headers) as response:
                        await response.read()
                references.append(reference)
        return references

    return asyncio.run(make())
