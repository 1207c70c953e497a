"""`python -m bench.proxy`: latency through the recording proxy vs direct to the same simulator."""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
import requests

from bench.load import create_payments
from bench.server import Target, free_port, simulator_process


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


@contextmanager
def proxy_process(upstream: str, out: str) -> Iterator[tuple[str, list[str]]]:
    """`python -m lib.integration --target <upstream>`: the real CLI, recording to SQLite."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "lib.integration",
        "--target",
        upstream,
        "--port",
        str(port),
        "--out",
        out,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines = [process.stdout.readline()]
    while lines[-1] and not lines[-1].startswith("Recording until"):
        lines.append(process.stdout.readline())
    summary: list[str] = []
    try:
        yield f"http://127.0.0.1:{port}", summary
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=300)
        summary += process.stdout.read().splitlines()


def sequential(urls: dict[str, str], headers: dict[str, str], count: int) -> dict[str, list[float]]:
    """One request at a time, alternating direct and proxy so drift hits both alike."""
    sessions = {name: requests.Session() for name in urls}
    times: dict[str, list[float]] = {name: [] for name in urls}
    for i in range(count):
        for name, url in urls.items():
            started = time.perf_counter()
            answer = sessions[name].get(url, headers=headers, timeout=10)
            elapsed = (time.perf_counter() - started) * 1000
            if i >= 50 and answer.status_code == 200:  # the first 50: warm-up
                times[name].append(elapsed)
    return times


async def in_flight(
    url: str, headers: dict[str, str], total: int, width: int
) -> tuple[list[float], int]:
    """`width` requests in flight until `total` are done: latencies (ms) and errors."""
    latencies: list[float] = []
    errors = 0
    left = total
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal left, errors
            while left > 0:
                left -= 1
                started = time.perf_counter()
                try:
                    async with session.get(url, headers=headers) as answer:
                        await answer.read()
                        ok = answer.status == 200
                except aiohttp.ClientError:
                    ok = False
                latencies.append((time.perf_counter() - started) * 1000)
                errors += not ok

        await asyncio.gather(*(worker() for _ in range(width)))
    return latencies, errors


def row(name: str, values: list[float], extra: str = "") -> str:
    return (
        f"{name:<28} {len(values):>6} {statistics.median(values):>9.2f} "
        f"{percentile(values, 0.99):>9.2f} {extra}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.proxy", description=__doc__)
    parser.add_argument("--requests", type=int, default=1000, help="sequential, per side")
    parser.add_argument("--in-flight", type=int, default=200)
    parser.add_argument("--concurrent-requests", type=int, default=4000, help="per side")
    args = parser.parse_args(argv)
    with simulator_process() as target, tempfile.TemporaryDirectory() as out:
        run(target, out, args)


def run(target: Target, out: str, args: argparse.Namespace) -> None:
    headers = target.api_headers(target.token())
    reference = create_payments(target.base_url, headers, 1)[0]
    path = f"/epayment/v1/payments/{reference}"
    with proxy_process(target.base_url, out) as (proxy_url, summary):
        urls = {"direct": target.base_url + path, "proxy": proxy_url + path}
        times = sequential(urls, headers, args.requests)
        flight = {
            name: asyncio.run(in_flight(url, headers, args.concurrent_requests, args.in_flight))
            for name, url in urls.items()
        }
    print(f"{'GET payment':<28} {'count':>6} {'median ms':>9} {'p99 ms':>9}")
    for name in urls:
        print(row(f"one at a time, {name}", times[name]))
    for name in urls:
        latencies, errors = flight[name]
        print(row(f"{args.in_flight} in flight, {name}", latencies, f"errors: {errors}"))
    overhead = statistics.median(times["proxy"]) - statistics.median(times["direct"])
    ratio = statistics.median(flight["proxy"][0]) / statistics.median(flight["direct"][0])
    print(
        f"median overhead one at a time: {overhead:.2f} ms (goal under 1 ms); "
        f"in flight: {ratio:.2f}x"
    )
    print("proxy: " + next((line.strip() for line in summary if "recording failures" in line), "?"))


if __name__ == "__main__":
    main()
