"""Plain words for the dashboard: what a state means, what a step would do, why a call failed."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from lib.epayment.models import Aggregate, Money, Payment, PaymentState
from lib.exchange import Exchange

# What a final state means for the customer's side, and how loud to say it (success/warning/info).
FINAL_OUTCOMES: dict[PaymentState, tuple[str, str]] = {
    PaymentState.AUTHORIZED: (
        "success",
        "the customer approved: the money is reserved, ready to capture.",
    ),
    PaymentState.ABORTED: ("warning", "the customer rejected it: nothing is reserved."),
    PaymentState.EXPIRED: ("warning", "nobody approved it in time: nothing is reserved."),
    PaymentState.TERMINATED: ("info", "the merchant cancelled it before the customer approved."),
}


def final_outcome(state: PaymentState | None) -> tuple[str, str] | None:
    """('warning', 'The payment is EXPIRED: nobody approved it in time…'), None if not final."""
    if state is None or state not in FINAL_OUTCOMES:
        return None
    kind, meaning = FINAL_OUTCOMES[state]
    return kind, f"The payment is {state}: {meaning}"


def nothing_left(step: str, aggregate: Aggregate) -> str | None:
    """Why capture or refund has nothing to send (with the amounts), or None when it has.

    Sending `value: 0` only earns a 400 from the API, so the page says this instead.
    """
    a = aggregate
    if step == "capture" and not a.capturable:
        return (
            f"Nothing left to capture: authorized {a.authorized}, captured {a.captured}, "
            f"cancelled {a.cancelled}."
        )
    if step == "refund" and not a.refundable:
        return f"Nothing left to refund: captured {a.captured}, refunded {a.refunded}."
    return None


# Only CREATED and AUTHORIZED can be cancelled: ABORTED and EXPIRED never reserved anything, and
# a second cancel of a TERMINATED payment is refused.
REFUSED_CANCELS: dict[PaymentState, str] = {
    PaymentState.ABORTED: "The customer rejected this payment: nothing was ever reserved to "
    "release.",
    PaymentState.EXPIRED: "Nobody approved this payment in time: nothing was ever reserved to "
    "release.",
    PaymentState.TERMINATED: "Already cancelled (TERMINATED): there is nothing more to release.",
}


def cancel_outlook(payment: Payment) -> tuple[str, bool]:
    """What cancelling would do in this state, and whether the API would accept it."""
    state = payment.state
    if state == PaymentState.CREATED:
        return "Not approved yet: cancelling ends the payment as **TERMINATED**.", True
    if state in REFUSED_CANCELS:
        return REFUSED_CANCELS[state], False
    left = payment.aggregate.capturable
    if state == PaymentState.AUTHORIZED and not left:
        return "Nothing left to release: everything is captured or cancelled.", True
    return (
        f"Cancelling releases everything not captured: **{left}**"
        " (always the whole remainder, never a chosen amount).",
        True,
    )


# "Capture amount 5000", "the capturable amount 1000", "amount is 100": minor units (øre/cents).
MINOR_AMOUNT_RE = re.compile(r"\b(amount(?: is| of)?\s+)(\d+)\b(?!\s*\()", re.IGNORECASE)


def in_kroner(text: str, currency: str = "NOK") -> str:
    """'... amount 5000 is higher than ... amount 1000' -> '... amount 5000 (NOK 50.00) ...'.

    The API speaks in minor units; a reader thinks in kroner. The Problem itself stays unchanged.
    """
    return MINOR_AMOUNT_RE.sub(
        lambda m: f"{m.group(1)}{m.group(2)} ({Money(int(m.group(2)), currency)})", text
    )


def currency_of(exchange: Exchange | None, default: str = "NOK") -> str:
    """The currency the request named (amount or modificationAmount), else `default`."""
    try:
        body = json.loads(exchange.request_body or "") if exchange is not None else None
    except ValueError:
        body = None
    if isinstance(body, dict):
        for name in ("modificationAmount", "amount"):
            part = body.get(name)
            if isinstance(part, dict) and isinstance(part.get("currency"), str):
                return part["currency"]
    return default


def no_response_message(url: str, error: str | None, *, idempotent: bool = False) -> str:
    """A missing response in plain words; the raw connection error belongs in a detail view."""
    where = urlsplit(url).netloc or url
    if "ReadTimeout" in (error or ""):
        said = f"{where} accepted the connection but did not answer in time."
    else:
        said = f"Could not connect to {where} — is the server running and the URL right?"
    if idempotent:  # only a write carries an Idempotency-Key worth reusing
        said += " Retrying with the same Idempotency-Key is safe."
    return said


# The token call has no reference and no payment: its refusals name the keys or the address.
TOKEN_HINTS: dict[int, str] = {
    400: "the request was malformed: check that client_id is filled in.",
    401: "the keys were refused: check client_id, client_secret and Ocp-Apim-Subscription-Key "
    "(all three of the same sales unit).",
    403: "these keys may not use this API: check the sales unit and its products in the portal.",
    404: "nothing answers POST /accesstoken/get there: check the base URL (the API's address, "
    "without a path).",
}


def token_refusal(status: int | None, url: str, detail: str | None = None) -> str:
    """A refused token call in plain words, naming the cause a token call can have."""
    where = urlsplit(url).netloc or url
    said = f"The access token request to {where} was refused ({status})"
    if detail:
        said += f": {detail}"
    if status is not None and status >= 500:
        return f"{said} — the token service had a problem; try again in a moment."
    hint = TOKEN_HINTS.get(status or 0)
    return f"{said} — {hint}" if hint else said
