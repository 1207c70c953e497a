"""flow.capture-before-authorized, flow.over-capture, flow.over-refund: refused money moves."""

from __future__ import annotations

from collections.abc import Mapping

from lib.epayment.models import Money
from lib.integration.findings import Finding, Severity
from lib.integration.rules.base import finding
from lib.integration.traffic import Seen, Traffic

# ErrorCodes from the ePayment errors page (reference §4, §5).
BEFORE_AUTHORIZED = {"6080": "Cannot capture before reservation", "6200": "cannot be captured"}
OVER_CAPTURE = {
    "6090": "Capture amount too high",
    "6170": "Payment already captured",
    "6070": "Cannot capture a cancelled payment",
}
OVER_REFUND = {
    "6150": "Not enough refundable",
    "6180": "Payment already refunded",
    "6020": "Attempted refund before reservation",
}


def _asked(s: Seen) -> str:
    amount = s.request.get("modificationAmount") if isinstance(s.request, dict) else None
    return str(Money.from_json(amount)) if isinstance(amount, Mapping) else "an amount"


def _refused(traffic: Traffic, op: str, codes: Mapping[str, str]) -> list[Seen]:
    return [s for s in traffic.of(op) if s.error_code in codes]


def capture_before_authorized(traffic: Traffic) -> list[Finding]:
    return [
        finding(
            "flow.capture-before-authorized",
            Severity.ERROR,
            f"Capture of {_asked(s)} on {s.reference} was refused: "
            f"{BEFORE_AUTHORIZED[s.error_code or '']} (ErrorCode {s.error_code}). Capture only "
            "after GET shows AUTHORIZED (or the authorized webhook arrived and GET confirms it).",
            [s],
        )
        for s in _refused(traffic, "capture_payment", BEFORE_AUTHORIZED)
    ]


def over_capture(traffic: Traffic) -> list[Finding]:
    return [
        finding(
            "flow.over-capture",
            Severity.ERROR,
            f"Capture of {_asked(s)} on {s.reference} was refused: "
            f"{OVER_CAPTURE[s.error_code or '']} (ErrorCode {s.error_code}). "
            "Capture at most authorized - captured - cancelled, as the payment's "
            "aggregate shows; keep your order's captured total in step with it.",
            [s],
        )
        for s in _refused(traffic, "capture_payment", OVER_CAPTURE)
    ]


def over_refund(traffic: Traffic) -> list[Finding]:
    return [
        finding(
            "flow.over-refund",
            Severity.ERROR,
            f"Refund of {_asked(s)} on {s.reference} was refused: "
            f"{OVER_REFUND[s.error_code or '']} (ErrorCode {s.error_code}). "
            "Refund at most captured - refunded, as the payment's aggregate shows; keep your "
            "order's refunded total in step with it.",
            [s],
        )
        for s in _refused(traffic, "refund_payment", OVER_REFUND)
    ]
