"""Webhook delivery modes compared: the API's GET and flow load while ~750 deliveries/s go out from
the worker process, from tasks on the server's own loop, or (baseline) none at all.

`python -m bench.delivery [--seconds 4] [--rounds 2]`, or as part of `make bench`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import aiohttp

from bench import load, webhooks, wrk
from bench.cpu import cpu_seconds, simulator_pids
from bench.server import Target, free_port, simulator_process
from simulator.config import ENV_SALES_UNITS, ENV_WEBHOOK_DELIVERY, generated_sales_unit

MODES = ("worker", "loop", "none")  # "none": the same driver, no registrations
HOOKED_UNIT = generated_sales_unit(1)  # the driver's payments (DKK); the measured load uses 123456
LIMIT = 0.10  # keep the worker only if the loop costs the API more than this
SETTLE_SECONDS = 2.0  # driver and deliveries reach their pace before anything is measured


@dataclass(frozen=True)
class Load:
    """One measured run: requests, wall time, latency, and the API process's CPU time."""

    count: int
    seconds: float
    p50: float
    p99: float
    errors: int
    api_cpu: float  # CPU seconds of the simulator process during the run

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    @property
    def per_cpu(self) -> float:
        """Requests per CPU second of the API: its capacity, whatever else the machine runs."""
        return self.count / self.api_cpu if self.api_cpu else 0.0


@dataclass(frozen=True)
class Block:
    """One mode on a fresh simulator process: GET load, then flow load, deliveries meanwhile."""

    mode: str
    get: Load
    flow: Load  # count: flow requests (create, force approve, capture, refund)
    deliveries: float  # per second, as the receivers counted them, with only the driver on
    deliveries_loaded: float  # the same during the GET and flow runs
    worker_cpu: float  # CPU seconds per second of the worker process under load (0: none)
    api_idle_cpu: float  # CPU seconds per second of the API process with only the driver on


@contextlib.contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    """The simulator process reads its delivery mode and sales units from the environment."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _latencies(count: int, seconds: float, values: list[float], errors: int, cpu: float) -> Load:
    ordered = sorted(values) or [0.0]
    p99 = ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)]  # nearest rank
    return Load(count, seconds, statistics.median(ordered), p99, errors, cpu)


def measure_get(
    target: Target, headers: dict[str, str], seconds: int, cpu: Callable[[], float]
) -> Load:
    """wrk (c=32, 1 thread) if installed, else the Python load; a 1 s warm-up first."""
    references = load.create_payments(target.base_url, headers, 100)
    if wrk.available():
        wrk.run_get(target.base_url, headers, references, seconds=1, connections=32)
        before = cpu()
        r = wrk.run_get(target.base_url, headers, references, seconds=seconds, connections=32)
        elapsed = r.requests / r.requests_per_second
        return Load(r.requests, elapsed, r.median, r.p99, r.errors, cpu() - before)
    scenario = load.get_scenario(target.base_url, headers, references)
    load.run_load(scenario, 1, 32, warmup=0)
    before = cpu()
    samples = load.run_load(scenario, seconds, 32, warmup=0)
    got = samples.latencies["get"]
    return _latencies(len(got), samples.elapsed, got, samples.errors["get"], cpu() - before)


def measure_flow(
    target: Target, headers: dict[str, str], seconds: int, cpu: Callable[[], float]
) -> Load:
    """16 create -> approve -> capture -> refund flows in flight, closed loop, after 0.5 s."""
    scenario = load.flow_scenario(target.base_url, headers)
    load.run_load(scenario, 0.5, 16, warmup=0)
    before = cpu()
    flows = load.run_load(scenario, seconds, 16, warmup=0)
    requests = [v for step in load.FLOW_STEPS for v in flows.latencies[step]]
    errors = sum(flows.errors.values())
    return _latencies(len(requests), flows.elapsed, requests, errors, cpu() - before)


def run_block(mode: str, port: int, seconds: int, rate: float, registrations: int) -> Block:
    """A simulator in `mode`, `registrations` on the receivers for the hooked unit (none for
    "none"), the paced driver in its own process; the API's CPU with only that, then GET and
    flow load on the other unit."""
    env = {ENV_WEBHOOK_DELIVERY: "worker" if mode == "none" else mode, ENV_SALES_UNITS: "2"}
    with _environ(env), simulator_process() as target:
        headers = target.api_headers(target.token())
        hooked = Target(target.base_url, HOOKED_UNIT)
        if mode != "none":
            webhooks.register_all(hooked, hooked.api_headers(hooked.token()), port, registrations)
        command = [sys.executable, "-m", "bench.delivery", "drive", target.base_url, str(rate)]
        driver = subprocess.Popen(command)
        try:
            time.sleep(SETTLE_SECONDS)
            server, worker = simulator_pids(int(target.base_url.rsplit(":", 1)[1]))
            before, idle, started = (
                webhooks.received(port),
                cpu_seconds(server),
                time.perf_counter(),
            )
            time.sleep(seconds)  # the API's own CPU for the driver's flows and the deliveries
            elapsed = time.perf_counter() - started
            api_idle_cpu = (cpu_seconds(server) - idle) / elapsed
            deliveries = (webhooks.received(port) - before) / elapsed
            before, worker_before, started = (
                webhooks.received(port),
                cpu_seconds(worker),
                time.perf_counter(),
            )
            get = measure_get(target, headers, seconds, lambda: cpu_seconds(server))
            flow = measure_flow(target, headers, seconds, lambda: cpu_seconds(server))
            elapsed = time.perf_counter() - started
            loaded = (webhooks.received(port) - before) / elapsed
            worker_cpu = (cpu_seconds(worker) - worker_before) / elapsed
        finally:
            driver.terminate()
            driver.wait(5)
    return Block(mode, get, flow, deliveries, loaded, worker_cpu, api_idle_cpu)


def run(
    *, seconds: int = 4, rounds: int = 2, rate: float = 10.0, registrations: int = 25
) -> list[Block]:
    """`rounds` blocks per mode in alternating order (worker, loop, none, none, loop, worker, ...)
    so drift in the machine's load hits every mode alike. `rate` flows/s of three events each to
    `registrations` receivers answering after 50 ms: 10 x 3 x 25 = 750 deliveries/s."""
    port = free_port()
    receiver = subprocess.Popen([sys.executable, "-m", "bench.webhooks", str(port), "0.05"])
    blocks = []
    try:
        webhooks._wait_ready(port)
        for n in range(rounds):
            for mode in MODES if n % 2 == 0 else MODES[::-1]:
                blocks.append(run_block(mode, port, seconds, rate, registrations))
    finally:
        receiver.terminate()
        receiver.wait(5)
    return blocks


FIGURES: dict[str, Callable[[Block], float]] = {
    "deliv/s": lambda b: b.deliveries,
    "API cpu": lambda b: b.api_idle_cpu,
    "loaded deliv/s": lambda b: b.deliveries_loaded,
    "GET/s": lambda b: b.get.rate,
    "GET p50 ms": lambda b: b.get.p50 * 1e3,
    "GET p99 ms": lambda b: b.get.p99 * 1e3,
    "GET/cpu-s": lambda b: b.get.per_cpu,
    "flow req/s": lambda b: b.flow.rate,
    "flow p50 ms": lambda b: b.flow.p50 * 1e3,
    "flow p99 ms": lambda b: b.flow.p99 * 1e3,
    "req/cpu-s": lambda b: b.flow.per_cpu,
    "worker cpu": lambda b: b.worker_cpu,
}


def median(blocks: list[Block], mode: str, figure: str) -> float:
    return statistics.median(FIGURES[figure](b) for b in blocks if b.mode == mode)


def table(blocks: list[Block]) -> str:
    """Medians over each mode's blocks; GET columns first, then the flow's requests."""
    widths = [max(len(name), 7) + 2 for name in FIGURES]
    lines = ["mode    " + "".join(n.rjust(w) for n, w in zip(FIGURES, widths, strict=True))]
    for mode in MODES:
        values = [median(blocks, mode, name) for name in FIGURES]
        cells = [
            f"{v:.2f}" if "ms" in n or "cpu" in n[-3:] else f"{v:.0f}"
            for n, v in zip(FIGURES, values, strict=True)
        ]
        lines.append(f"{mode:8}" + "".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
    errors = sum(b.get.errors + b.flow.errors for b in blocks)
    return "\n".join([*lines, f"errors: {errors}"])


def costs(blocks: list[Block]) -> dict[str, float]:
    """What the loop costs the API against the worker, per figure: 1 - loop / worker of the
    medians (a higher latency counts as a cost too)."""
    out = {}
    for figure in ("GET/s", "GET/cpu-s", "flow req/s", "req/cpu-s"):
        out[figure] = 1 - median(blocks, "loop", figure) / median(blocks, "worker", figure)
    for figure in ("GET p50 ms", "flow p50 ms"):
        out[figure] = median(blocks, "loop", figure) / median(blocks, "worker", figure) - 1
    return out


def verdict(blocks: list[Block]) -> str:
    """Issue 10's rule: keep the worker only if the loop costs the API more than 10%. Judged on
    the share of the API process's one core (one GIL) that delivery takes with only the driver
    on: CPU seconds, which other load on the machine does not skew as it skews throughput."""
    share = median(blocks, "loop", "API cpu") - median(blocks, "worker", "API cpu")
    shown = ", ".join(f"{name} {cost:+.0%}" for name, cost in costs(blocks).items())
    keep = "keep the worker" if share > LIMIT else "within 10%: deliver on the loop"
    return (
        f"loop vs worker, cost to the API: {shown}.\n"
        f"Delivery on the loop takes {share:.0%} of the API's core: {keep}."
    )


def drive(base_url: str, rate: float) -> None:
    """The paced driver's process: create -> force approve -> capture on the hooked unit, `rate`
    flows/s whatever the answers, until terminated."""
    target = Target(base_url, HOOKED_UNIT)
    headers = target.api_headers(target.token())

    async def forever() -> None:
        tasks: set[asyncio.Task[None]] = set()
        out, api = webhooks.Latencies(), f"{base_url}/epayment/v1"
        async with aiohttp.ClientSession() as session:
            started = time.perf_counter()
            for n in itertools.count():
                await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
                flow = webhooks._flow(session, api, headers, out, HOOKED_UNIT.currency)
                task = asyncio.create_task(flow)
                tasks.add(task)
                task.add_done_callback(tasks.discard)

    asyncio.run(forever())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__)
    parser.add_argument("--seconds", type=int, default=4, help="measured time per scenario")
    parser.add_argument("--rounds", type=int, default=2, help="blocks per mode")
    args = parser.parse_args(argv)
    blocks = run(seconds=args.seconds, rounds=args.rounds)
    print(f"\n{table(blocks)}\n{verdict(blocks)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["drive"]:  # the paced driver: python -m bench.delivery drive URL RATE
        drive(sys.argv[2], float(sys.argv[3]))
    else:
        main()
