"""GET payment p99 with 100,000 open payments vs none, in one run (issue 15: the expiry sweep).

`python -m bench.sweep [--open 100000] [--seconds 8] [--connections 8]`. The simulator runs in a
process of its own (this module with `--serve`): it answers the API as usual, sweeps once a
second, and on a line `open N` from its driver creates N CREATED payments by plain backend calls
(100,000 over HTTP would take minutes). Payments expire after an hour, so none is due while the
GETs run: what a sweep costs then is all that open payments can add to an answer.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import uuid
from typing import IO, Any

from bench import load
from bench.server import Target, free_port
from bench.stats import percentile
from simulator import DEFAULT_SALES_UNIT, SimulatorConfig, SimulatorServer

EXPIRY_SECONDS = 3600.0


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        line = next(row for row in status if row.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def _open_payments(sim: SimulatorServer, count: int) -> dict[str, Any]:
    msn = DEFAULT_SALES_UNIT.merchant_serial_number
    rss, started = _rss_mib(), time.perf_counter()
    for index in range(count):
        body = {
            "amount": {"currency": "NOK", "value": 1000 + index % 5000},
            "paymentMethod": {"type": "WALLET"},
            "reference": f"open-{index}-{uuid.uuid4().hex[:12]}",
            "userFlow": "QR",
            "paymentDescription": "Open payment (bench/sweep.py)",
        }
        sim.backend.create_payment(msn, body, uuid.uuid4().hex)
    seconds = time.perf_counter() - started
    swept = time.perf_counter()
    sim.backend.sweep()
    return {
        "open": count,
        "seconds": round(seconds, 1),
        "sweep_ms": round((time.perf_counter() - swept) * 1000, 3),
        "kib_per_payment": round((_rss_mib() - rss) * 1024 / max(count, 1), 2),
        "rss_mib": round(_rss_mib(), 1),
    }


def serve(port: int) -> None:
    """The simulator process: `ready` once listening, then one JSON line per `open N`."""
    config = SimulatorConfig(port=port, rate_limits=False, expiry_seconds=EXPIRY_SECONDS)
    with SimulatorServer(config) as sim:
        print("ready", flush=True)
        for line in sys.stdin:
            words = line.split()
            if words[:1] == ["open"]:
                print(json.dumps(_open_payments(sim, int(words[1]))), flush=True)


def _ask(process: subprocess.Popen[str], line: str | None = None) -> str:
    stdin, stdout = process.stdin, process.stdout
    assert stdin is not None and stdout is not None
    if line is not None:
        stdin.write(line + "\n")
        stdin.flush()
    answer = stdout.readline()
    if not answer:
        raise RuntimeError("the simulator process stopped")
    return answer.strip()


def _measure(target: Target, headers: dict[str, str], refs: list[str], args: Any) -> list[float]:
    scenario = load.get_scenario(target.base_url, headers, refs)
    samples = load.run_load(scenario, args.seconds, args.connections)
    if samples.errors["get"]:
        raise RuntimeError(f"{samples.errors['get']} GETs failed")
    return samples.latencies["get"]


def _row(label: str, latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    cells = (len(ms), percentile(ms, 50), percentile(ms, 99), ms[-1])
    return f"{label:<28}{cells[0]:>8}{cells[1]:>12.2f}{cells[2]:>10.2f}{cells[3]:>10.2f}"


def run(args: argparse.Namespace) -> None:
    port = free_port()
    command = [sys.executable, "-m", "bench.sweep", "--serve", str(port)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        if _ask(process) != "ready":
            raise RuntimeError("the simulator process did not start")
        target = Target(f"http://127.0.0.1:{port}", DEFAULT_SALES_UNIT)
        headers = target.api_headers(target.token())
        refs = load.create_payments(target.base_url, headers, 100)
        none = _measure(target, headers, refs, args)
        opened = json.loads(_ask(process, f"open {args.open}"))
        many = _measure(target, headers, refs, args)
    finally:
        _close(process.stdin)
        process.wait(timeout=30)
    report(args, none, many, opened)


def _close(stream: IO[str] | None) -> None:
    if stream is not None:
        stream.close()


def report(args: argparse.Namespace, none: list[float], many: list[float], opened: dict) -> None:
    print(f"\nGET payment, aiohttp c={args.connections}, {args.seconds} s after a 1 s warm-up")
    print(f"{'open payments':<28}{'count':>8}{'median ms':>12}{'p99 ms':>10}{'max ms':>10}")
    print(_row("none (100 GET targets)", none))
    print(_row(f"{args.open:,} CREATED", many))
    ratio = percentile(many, 99) / percentile(none, 99)
    verdict = "met" if ratio <= 2 else "NOT met"
    print(f"p99 ratio {ratio:.2f} (target within 2x: {verdict})")
    print(
        f"{opened['open']:,} payments opened in {opened['seconds']} s by plain calls; one sweep "
        f"with none due: {opened['sweep_ms']} ms; {opened['kib_per_payment']} KiB RSS per "
        f"payment; simulator RSS {opened['rss_mib']} MiB"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sweep", description=__doc__)
    parser.add_argument("--open", type=int, default=100_000, help="open payments in phase 2")
    parser.add_argument("--seconds", type=int, default=8, help="measured seconds per phase")
    parser.add_argument("--connections", type=int, default=8, help="concurrent GETs")
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(args.serve)
    else:
        run(args)


if __name__ == "__main__":
    main()
