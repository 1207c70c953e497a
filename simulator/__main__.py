"""`python -m simulator`: run the ePayment simulator alone and print its base URL and keys."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading

from simulator.config import (
    ENV_SALES_UNITS,
    ENV_WEBHOOK_DELIVERY,
    SimulatorConfig,
    default_sales_units,
    sales_unit_count_from_env,
    webhook_delivery_from_env,
)
from simulator.server import SimulatorServer
from simulator.transitions import MODES, TransitionPolicy
from simulator.webhooks.settings import DELIVERY_MODES


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 to let a phone on the LAN in")
    parser.add_argument("--port", type=int, default=8090, help="0 picks a free port")
    parser.add_argument("--no-rate-limits", action="store_true", help="for load tests and long QA")
    parser.add_argument("--expiry-seconds", type=float, default=600.0, help="default 600 (10 min)")
    parser.add_argument(
        "--retention-seconds",
        type=float,
        default=24 * 3600.0,
        help="forget final payments and idempotency records this long after (default a day; inf)",
    )
    parser.add_argument(
        "--sales-units",
        type=int,
        default=None,
        help=f"how many test sales units (default 1, or env {ENV_SALES_UNITS})",
    )
    parser.add_argument("--transition", choices=MODES, default="manual", help="CREATED->AUTHORIZED")
    parser.add_argument("--public-url", default=None, help="base URL to put in redirectUrl")
    parser.add_argument("--seed", type=int, default=None, help="seed ids and pspReferences")
    parser.add_argument(
        "--webhook-retry-scale", type=float, default=1.0, help="0.01: retries 100x sooner"
    )
    parser.add_argument(
        "--webhook-timeout", type=float, default=10.0, help="seconds a receiver has to answer"
    )
    parser.add_argument(
        "--webhook-delivery",
        choices=DELIVERY_MODES,
        default=None,
        help=f"who delivers webhooks (default worker, or env {ENV_WEBHOOK_DELIVERY})",
    )
    return parser.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    count = args.sales_units if args.sales_units else sales_unit_count_from_env()
    return SimulatorConfig(
        host=args.host,
        port=args.port,
        rate_limits=not args.no_rate_limits,
        expiry_seconds=args.expiry_seconds,
        retention_seconds=args.retention_seconds,
        sales_units=default_sales_units(count),
        transition=TransitionPolicy(mode=args.transition),
        public_url=args.public_url,
        seed=args.seed,
        webhook_retry_scale=args.webhook_retry_scale,
        webhook_timeout_seconds=args.webhook_timeout,
        webhook_delivery=args.webhook_delivery or webhook_delivery_from_env(),
    )


def banner(server: SimulatorServer) -> str:
    """What a developer needs to point a client at the simulator (test keys, not real ones)."""
    lines = [f"ePayment simulator listening on {server.base_url}", ""]
    for unit in server.sales_units:
        lines += [
            f"Sales unit {unit.name!r} ({unit.currency})",
            f"  Merchant-Serial-Number:    {unit.merchant_serial_number}",
            f"  client_id:                 {unit.client_id}",
            f"  client_secret:             {unit.client_secret}",
            f"  Ocp-Apim-Subscription-Key: {unit.subscription_key}",
        ]
    rate = "on" if server.config.rate_limits else "off"
    lines += [
        "",
        f"Rate limits {rate}. Control plane: {server.base_url}/_sim/health. Ctrl+C stops.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    server = SimulatorServer(config_from_args(parse_args(argv)))
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())  # before the banner: callers may stop us
    server.start()
    print(banner(server), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        done.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
