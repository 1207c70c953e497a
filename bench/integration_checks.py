"""`python -m bench.integration_checks`: the integration rules over a 100,000-exchange run."""

from __future__ import annotations

import argparse
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from lib.exchange import Exchange
from lib.integration.rules import RULES, evaluate
from lib.integration.traffic import Traffic

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HEADERS = {
    "Authorization": "Bearer «redacted:access_token»",
    "Ocp-Apim-Subscription-Key": "«redacted:subscription_key»",
    "Merchant-Serial-Number": "123456",
    "Vipps-System-Name": "acme",
    "Vipps-System-Version": "3.1.2",
    "Vipps-System-Plugin-Name": "acme-webshop",
    "Vipps-System-Plugin-Version": "4.5.6",
    "Content-Type": "application/json",
}


def _money(value: int) -> dict[str, Any]:
    return {"currency": "NOK", "value": value}


def _payment(reference: str, state: str, captured: int = 0) -> str:
    authorized = 2500 if state == "AUTHORIZED" else 0
    return json.dumps(
        {
            "reference": reference,
            "state": state,
            "amount": _money(2500),
            "pspReference": "psp",
            "paymentMethod": {"type": "WALLET"},
            "profile": {},
            "aggregate": {
                "authorizedAmount": _money(authorized),
                "capturedAmount": _money(captured),
                "refundedAmount": _money(0),
                "cancelledAmount": _money(0),
            },
        }
    )


Step = tuple[str, str, str, Any, int, str]  # method, url, operation, body, status, answer


def steps(index: int, reference: str) -> list[Step]:
    """Create, six polls (the last one AUTHORIZED), capture, refund, event log."""
    api = "http://127.0.0.1:8091/epayment/v1/payments"
    base = f"{api}/{reference}"
    create = {"amount": _money(2500), "paymentMethod": {"type": "WALLET"}, "reference": reference,
              "userFlow": "WEB_REDIRECT", "returnUrl": "https://shop.example/return",
              "paymentDescription": f"Order {index}"}  # fmt: skip
    created = json.dumps({"reference": reference, "redirectUrl": "https://landing"})
    captured = _payment(reference, "AUTHORIZED", 2500)
    polls = [_payment(reference, "AUTHORIZED" if i == 5 else "CREATED") for i in range(6)]
    return [
        ("POST", api, "create_payment", create, 201, created),
        *(("GET", base, "get_payment", None, 200, answer) for answer in polls),
        ("POST", f"{base}/capture", "capture_payment", {"modificationAmount": _money(2500)}, 200,
         captured),
        ("POST", f"{base}/refund", "refund_payment", {"modificationAmount": _money(500)}, 200,
         captured),
        ("GET", f"{base}/events", "get_payment_event_log", None, 200, "[]"),
    ]  # fmt: skip


def order(index: int, at: float) -> list[Exchange]:
    """One order in 10 exchanges. Every tenth order is sloppy (polls every 0.1 s, no
    Vipps-System headers), so the rules have findings to write."""
    sloppy = index % 10 == 0
    gap = 0.1 if sloppy else 2.0
    reference = f"acme-{index}-{uuid.uuid4().hex[:6]}"
    headers = {k: v for k, v in HEADERS.items() if not (sloppy and "System" in k)}
    out = []
    for i, (method, url, op, body, status, answer) in enumerate(steps(index, reference)):
        key = str(uuid.uuid4()) if method == "POST" else None
        out.append(Exchange(
            method, url, op, "simulator",
            started_at=T0 + timedelta(seconds=at + (5 + gap * i if i else 0)),
            request_headers={**headers, "Idempotency-Key": key} if key else dict(headers),
            request_body=json.dumps(body) if body is not None else None,
            status=status, response_body=answer, reference=reference, idempotency_key=key,
        ))  # fmt: skip
    return out


def build_run(count: int) -> list[Exchange]:
    exchanges: list[Exchange] = []
    index = 0
    while len(exchanges) < count:
        exchanges += order(index, at=index * 3.0)
        index += 1
    for i, exchange in enumerate(exchanges[:count], start=1):
        exchange.id = i
    return exchanges[:count]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.integration_checks")
    parser.add_argument("--exchanges", type=int, default=100_000)
    args = parser.parse_args(argv)
    exchanges = build_run(args.exchanges)
    evaluate(exchanges[:100])  # loads the specs once, as any session would before grading
    started = time.perf_counter()
    findings = evaluate(exchanges)
    total = time.perf_counter() - started
    print(
        f"{len(exchanges):,} exchanges, {len(RULES)} rules: {total:.2f} s in total "
        f"({len(findings)} findings); goal under 5 s"
    )
    traffic = Traffic(exchanges)
    for rule in RULES:
        t = time.perf_counter()
        rule.check(traffic)
        print(f"  {rule.id:<32} {time.perf_counter() - t:6.2f} s")


if __name__ == "__main__":
    main()
