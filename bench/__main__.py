"""`make bench`: the simulator's throughput and latency for GET payment and a whole payment flow."""

from __future__ import annotations

import argparse
import os
import statistics
from dataclasses import dataclass

from bench import (
    delivery,
    durability,
    integration_checks,
    load,
    proxy,
    qa,
    store,
    sweep,
    webhooks,
    wrk,
)
from bench.server import Target, simulator_process
from bench.stats import percentile

GET_TARGET = 3000  # GET/s of a stateless mock generated from the same spec, on this machine
COLUMNS = (("scenario", 26), ("tool", 16), ("count", 8), ("errors", 7), ("per sec", 9))
COLUMNS += (("median ms", 11), ("p99 ms", 9))


@dataclass(frozen=True)
class Row:
    scenario: str
    tool: str
    count: int
    errors: int
    rate: float  # per second
    median: float | None  # seconds; None where a latency means nothing (the summed row)
    p99: float | None

    @classmethod
    def of(
        cls, scenario: str, tool: str, latencies: list[float], errors: int, elapsed: float
    ) -> Row:
        got = latencies or [0.0]
        rate = len(latencies) / elapsed
        return cls(scenario, tool, len(latencies), errors, rate, statistics.median(got),
                   percentile(got, 99))  # fmt: skip

    def cells(self) -> tuple[str, ...]:
        def ms(seconds: float | None) -> str:
            return "-" if seconds is None else f"{seconds * 1000:.2f}"

        counts = (str(self.count), str(self.errors), f"{self.rate:.0f}")
        return (self.scenario, self.tool, *counts, ms(self.median), ms(self.p99))


def table(rows: list[Row]) -> str:
    def line(cells: tuple[str, ...]) -> str:
        parts = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, (_, w)) in enumerate(
            zip(cells, COLUMNS, strict=True))]  # fmt: skip
        return "".join(parts)

    return "\n".join([line(tuple(t for t, _ in COLUMNS))] + [line(r.cells()) for r in rows])


def bench_get(target: Target, headers: dict[str, str], args: argparse.Namespace) -> Row:
    references = load.create_payments(target.base_url, headers, 100)
    if wrk.available() and not args.no_wrk:
        options = {"connections": args.connections}
        wrk.run_get(target.base_url, headers, references, seconds=1, **options)  # warm-up
        result = wrk.run_get(target.base_url, headers, references, seconds=args.seconds, **options)
        return Row("GET payment", f"wrk c={args.connections}", result.requests, result.errors,
                   result.requests_per_second, result.median, result.p99)  # fmt: skip
    scenario = load.get_scenario(target.base_url, headers, references)
    samples = load.run_load(scenario, args.seconds, args.connections)
    tool = f"aiohttp c={args.connections}"
    return Row.of("GET payment", tool, samples.latencies["get"], samples.errors["get"],
                  samples.elapsed)  # fmt: skip


def bench_flow(target: Target, headers: dict[str, str], args: argparse.Namespace) -> list[Row]:
    scenario = load.flow_scenario(target.base_url, headers)
    flows = load.run_load(scenario, args.seconds, args.flow_concurrency)
    tool = f"aiohttp c={args.flow_concurrency}"
    rows = [
        Row.of(f"  flow: {step}", tool, flows.latencies[step], flows.errors[step], flows.elapsed)
        for step in load.FLOW_STEPS
    ]
    requests = sum(len(flows.latencies[step]) for step in load.FLOW_STEPS)
    rows.append(Row("  flow: all 4 requests", tool, requests, sum(flows.errors.values()),
                    requests / flows.elapsed, None, None))  # fmt: skip
    whole = Row.of("whole flow", tool, flows.latencies["flow"], 0, flows.elapsed)
    return [*rows, whole]


def bench_webhooks(
    target: Target, headers: dict[str, str], args: argparse.Namespace
) -> tuple[list[Row], str]:
    """create -> approve -> capture at a steady pace, without webhooks and with 25 registrations
    on slow receivers, blocks interleaved (bench/webhooks.py); the rows and the verdict."""
    result = webhooks.run(target, headers, rate=args.webhook_rate, seconds=args.seconds)
    tool = f"aiohttp {args.webhook_rate:g}/s"
    without, hooked = result.without, result.with_hooks
    rows = [
        Row.of("paced flow, no webhooks", tool, without.all, without.errors, without.elapsed),
        Row.of("paced flow, 25 webhooks", tool, hooked.all, hooked.errors, hooked.elapsed),
    ]
    return rows, result.verdict()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--seconds", type=int, default=8, help="measured time per scenario")
    parser.add_argument("--connections", type=int, default=32, help="GET connections")
    parser.add_argument("--flow-concurrency", type=int, default=16, help="flows in flight")
    parser.add_argument("--no-wrk", action="store_true", help="GET load from Python, not wrk")
    parser.add_argument("--webhook-rate", type=float, default=10.0, help="flows/s, webhook run")
    parser.add_argument(
        "--no-webhooks", dest="webhooks", action="store_false", help="skip the webhook comparison"
    )
    parser.add_argument(
        "--no-delivery",
        dest="delivery",
        action="store_false",
        help="skip the webhook delivery modes comparison (worker process vs server loop)",
    )
    parser.add_argument(
        "--no-qa", dest="qa", action="store_false", help="skip the QA battery and exports"
    )
    parser.add_argument(
        "--no-store",
        dest="store",
        action="store_false",
        help="skip the evidence store at 1,000,000 exchanges (SQLite and PostgreSQL; minutes)",
    )
    parser.add_argument(
        "--no-sweep",
        dest="sweep",
        action="store_false",
        help="skip GET latency with 100,000 open payments vs none (the expiry sweep)",
    )
    parser.add_argument(
        "--no-integration",
        dest="integration",
        action="store_false",
        help="skip the proxy's overhead and the integration checks over 100,000 exchanges",
    )
    args = parser.parse_args()

    with simulator_process() as target:
        headers = target.api_headers(target.token())
        get = bench_get(target, headers, args)
        flow = bench_flow(target, headers, args)
        hooks, hooks_verdict = bench_webhooks(target, headers, args) if args.webhooks else ([], "")

    print(
        f"\nePayment simulator on 127.0.0.1 (own process, rate limits off), {os.cpu_count()} CPUs;"
    )
    print(f"{args.seconds} s per scenario after a 1 s warm-up; 'whole flow' counts flows")
    print(f"\n{table([get, *flow, *hooks])}\n")
    verdict = "met" if get.rate >= GET_TARGET else "NOT met"
    print(f"target >= {GET_TARGET} GET/s: {verdict} ({get.rate:.0f} GET/s)")
    if hooks_verdict:
        print(hooks_verdict)
    if args.delivery:  # after the simulator above has stopped: it starts its own, one per block
        blocks = delivery.run(seconds=max(1, args.seconds // 2))
        print("\nWebhook delivery modes at ~750 deliveries/s (bench/delivery.py):")
        print(f"{delivery.table(blocks)}\n{delivery.verdict(blocks)}")
    if args.qa:
        qa.main([])  # the QA battery and a 100,000-row log's exports (bench/qa.py)
    if args.store:
        store.main([])
    durability.main([])  # a few seconds: the cost of synchronous=FULL
    if args.sweep:
        sweep.main([])
    if args.integration:  # the merchant's own integration: proxy overhead, checks at scale
        proxy.main([])
        integration_checks.main([])


if __name__ == "__main__":
    main()
