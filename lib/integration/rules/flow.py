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


def _refusals(
    traffic: Traffic, rule: str, op: str, codes: Mapping[str, str], advice: str
) -> list[Finding]:
    """One error finding per refusal of `op` with one of `codes`, saying what to do instead."""
    verb = "Capture" if op == "capture_payment" else "Refund"
    return [
        finding(
            rule,
            Severity.ERROR,
            f"{verb} of {_asked(s)} on {s.reference} was refused: "
            f"{codes[s.error_code or '']} (ErrorCode {s.error_code}). {advice}",
            [s],
        )
        for s in traffic.of(op)
        if s.error_code in codes
    ]


def capture_before_authorized(traffic: Traffic) -> list[Finding]:
    advice = (
        "Capture only after GET shows AUTHORIZED (or the authorized webhook arrived and GET "
        "confirms it)."
    )
    return _refusals(
        traffic, "flow.capture-before-authorized", "capture_payment", BEFORE_AUTHORIZED, advice
    )


def over_capture(traffic: Traffic) -> list[Finding]:
    advice = (
        "Capture at most authorized - captured - cancelled, as the payment's aggregate shows; "
        "keep your order's captured total in step with it."
    )
    return _refusals(traffic, "flow.over-capture", "capture_payment", OVER_CAPTURE, advice)


def over_refund(traffic: Traffic) -> list[Finding]:
    advice = (
        "Refund at most captured - refunded, as the payment's aggregate shows; keep your "
        "order's refunded total in step with it."
    )
    return _refusals(traffic, "flow.over-refund", "refund_payment", OVER_REFUND, advice)
