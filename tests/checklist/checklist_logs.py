"""Hand-built evidence logs for the checklist and report tests."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from lib.exchange import Exchange

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HEADERS = {
    "Merchant-Serial-Number": "123456",
    "Vipps-System-Name": "acme",
    "Vipps-System-Version": "1.0",
    "Vipps-System-Plugin-Name": "acme-lab",
    "Vipps-System-Plugin-Version": "1.0",
}
BASE = "http://127.0.0.1:1/epayment/v1/payments"
RECEIVER = "http://127.0.0.1:1/webhooks/epayment/123456"


def amounts(a: int = 0, c: int = 0, x: int = 0, r: int = 0) -> dict[str, Any]:
    names = ("authorizedAmount", "capturedAmount", "cancelledAmount", "refundedAmount")
    return {n: {"currency": "NOK", "value": v} for n, v in zip(names, (a, c, x, r), strict=True)}


class LogBuilder:
    """Appends exchanges one call at a time; `at` sets their time, `target` their environment."""

    def __init__(self, at: datetime = NOW - timedelta(days=1), target: str = "test") -> None:
        self.exchanges: list[Exchange] = []
        self.at = at
        self.target = target
        self._ids = itertools.count(1)

    def add(self, op: str, method: str, url: str, status: int, req: Any = None, resp: Any = None,
            ref: str | None = None, headers: dict[str, str] | None = None,
            content_type: str = "application/json") -> Exchange:  # fmt: skip
        ex = Exchange(
            method=method,
            url=url,
            operation=op,
            target=self.target,
            started_at=self.at,
            request_headers=dict(HEADERS if headers is None else headers),
            request_body=json.dumps(req) if req is not None else None,
            status=status,
            response_headers={"Content-Type": content_type},
            response_body=json.dumps(resp) if resp is not None else None,
            reference=ref,
            id=next(self._ids),
        )
        self.exchanges.append(ex)
        return ex

    def create(self, ref: str, flow: str = "WEB_REDIRECT", receipt: bool = False) -> None:
        req: dict[str, Any] = {"reference": ref, "userFlow": flow, "amount": {"value": 1000}}
        if receipt:
            req["receipt"] = {"orderLines": [{"name": "x"}], "bottomLine": {"currency": "NOK"}}
        resp = {"reference": ref, "redirectUrl": "https://landing?token=t"}
        self.add("create_payment", "POST", BASE, 201, req, resp, ref)

    def get(self, ref: str, state: str, agg: dict[str, Any] | None = None) -> None:
        resp = {"reference": ref, "state": state, "aggregate": agg or amounts()}
        self.add("get_payment", "GET", f"{BASE}/{ref}", 200, None, resp, ref)

    def events(self, ref: str, *names: str) -> None:
        resp = [{"reference": ref, "name": n, "success": True} for n in names]
        self.add("get_payment_event_log", "GET", f"{BASE}/{ref}/events", 200, None, resp, ref)

    def modify(self, op: str, ref: str, n: int | None, agg: dict[str, Any], state: str) -> None:
        req = {"modificationAmount": {"currency": "NOK", "value": n}} if n is not None else None
        resp = {"reference": ref, "state": state, "aggregate": agg}
        self.add(op, "POST", f"{BASE}/{ref}/{op.split('_')[0]}", 200, req, resp, ref)

    def delivery(self, ref: str | None, verdict: str = "verified", status: int = 200) -> None:
        """A webhook as the receiver records it: the payload, and its verdict as the answer."""
        answer = {"verdict": verdict, "reason": "why", "duplicate": False}
        body = {"msn": "123456", "reference": ref, "name": "AUTHORIZED", "pspReference": "p-1"}
        self.add("webhook_delivery", "POST", RECEIVER, status, body if ref else None, answer, ref)

    def problem(self, ref: str, code: str | None = "6080") -> None:
        body: dict[str, Any] = {"title": "Cannot capture", "status": 400, "traceId": "00-ab-cd-01"}
        if code:
            body["extraDetails"] = [{"name": "ErrorCode", "reason": code}]
        self.add("capture_payment", "POST", f"{BASE}/{ref}/capture", 400,
                 {"modificationAmount": {"value": 1}}, body, ref,
                 content_type="application/problem+json")  # fmt: skip


def complete_log(b: LogBuilder) -> LogBuilder:
    """What a battery on the test environment proves: all but Q1 (webhooks) and G2 (production)."""
    b.create("acme-order-1", receipt=True)
    b.get("acme-order-1", "CREATED")
    b.get("acme-order-1", "AUTHORIZED", amounts(a=1000))
    b.modify("capture_payment", "acme-order-1", 250, amounts(a=1000, c=250), "AUTHORIZED")
    b.modify("refund_payment", "acme-order-1", 100, amounts(a=1000, c=250, r=100), "AUTHORIZED")
    after_cancel = amounts(a=1000, c=250, x=750, r=100)
    b.modify("cancel_payment", "acme-order-1", None, after_cancel, "AUTHORIZED")
    b.events("acme-order-1", "CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED", "CANCELLED")
    b.create("acme-order-2")
    b.modify("capture_payment", "acme-order-2", 1000, amounts(a=1000, c=1000), "AUTHORIZED")
    b.modify("refund_payment", "acme-order-2", 1000, amounts(a=1000, c=1000, r=1000), "AUTHORIZED")
    for ref, state in (("acme-order-3", "ABORTED"), ("acme-order-4", "EXPIRED")):
        b.create(ref)
        b.get(ref, state)
    b.create("acme-order-5")
    b.modify("cancel_payment", "acme-order-5", None, amounts(x=1000), "TERMINATED")
    b.get("acme-order-5", "TERMINATED", amounts(x=1000))
    b.problem("acme-order-5")
    return b
