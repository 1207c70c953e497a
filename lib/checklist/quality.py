"""Evidence rules for the QA, pitfall and go-live items a log can prove (Q1–Q5, P1, P2, G2, G3)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from lib.checklist.log import Entry, Evidence, header
from lib.epayment.models import EventName, PaymentState

# The events Q2 names beside the five states (the others repeat a state's name).
EVENTS = (EventName.CANCELLED, EventName.CAPTURED, EventName.REFUNDED)
STATE_SCENARIO = {
    PaymentState.CREATED: "any scenario that polls right after create",
    PaymentState.AUTHORIZED: "full_capture_refund",
    PaymentState.ABORTED: "user_rejects",
    PaymentState.EXPIRED: "payment_expires",
    PaymentState.TERMINATED: "cancel_before_approval",
}
ORDER_EVENTS = frozenset(EVENTS)
# A complete order (G2, G3): all four, each verified by reading the payment back.
COMPLETE_ORDER = ORDER_EVENTS | {EventName.AUTHORIZED}
REQUIRED_HEADERS = (
    "Merchant-Serial-Number",
    "Vipps-System-Name",
    "Vipps-System-Version",
    "Vipps-System-Plugin-Name",
    "Vipps-System-Plugin-Version",
)
REFERENCE = re.compile(r"^[a-zA-Z0-9-]{8,64}$")


def verified_delivery(e: Entry) -> bool:
    """A webhook the receiver verified (duplicates too: still authentic), for a known payment."""
    return e.ok("webhook_delivery") and e.resp("verdict") == "verified" and bool(e.reference)


def q1_webhooks(log: Sequence[Entry]) -> Evidence:
    """Both paths for one payment: a verified webhook delivery and a GET of the same payment."""
    deliveries = [e for e in log if verified_delivery(e)]
    if not deliveries:
        refused = [e for e in log if e.op == "webhook_delivery"]
        if refused:
            return Evidence(refused, "webhooks arrived, but none verified: see their verdicts")
        hint = "no webhook received: register one (Webhooks page) and take a payment"
        return Evidence([], hint)
    polled = {e.reference for e in log if e.ok("get_payment", 200) and e.reference}
    both = {e.reference for e in deliveries} & polled
    if not both:
        hint = "verified webhooks, but no GET of the same payment: poll it too (status page)"
        return Evidence(deliveries, hint)
    return Evidence(
        [
            e
            for e in log
            if e.reference in both and (verified_delivery(e) or e.ok("get_payment", 200))
        ]
    )


def q2_states_events(log: Sequence[Entry]) -> Evidence:
    """200 GETs showing each of the five states, and event logs showing each of EVENTS."""
    proof: list[Entry] = []
    seen_states: set[PaymentState] = set()
    seen_events: set[EventName] = set()
    for e in log:
        state = e.state if e.ok("get_payment", 200) else None
        new_state = state is not None and state not in seen_states
        new_events = (e.event_names & ORDER_EVENTS) - seen_events
        if new_state or new_events:
            proof.append(e)
            seen_states |= {state} if state else set()
            seen_events |= new_events
    states = [s for s in PaymentState if s not in seen_states]
    events = [n for n in EVENTS if n not in seen_events]
    if states:
        runs = ", ".join(f"{s} ({STATE_SCENARIO[s]})" for s in states)
        return Evidence(proof, f"no GET showed state {runs}")
    if events:
        return Evidence(proof, f"no event log showed {', '.join(events)}: fetch events after each")
    return Evidence(proof)


def _is_problem(e: Entry) -> bool:
    content_type = (header(e.ex.response_headers, "Content-Type") or "").lower()
    return "problem+json" in content_type and isinstance(e.response, dict)


def q3_errors(log: Sequence[Entry]) -> Evidence:
    traced = [e for e in log if _is_problem(e) and e.resp("traceId")]
    coded = [e for e in traced if e.error_code]
    if not traced:
        return Evidence([], "no problem+json with a traceId logged: run a refusal scenario")
    if not coded:
        hint = "no error carried an ErrorCode: run refusal_capture_before_approval"
        return Evidence(traced, hint)
    return Evidence(coded)


def q4_headers(log: Sequence[Entry]) -> Evidence:
    requests = [e for e in log if e.is_epayment and e.op != "webhook_delivery"]
    if not requests:
        return Evidence([], "no ePayment request logged")
    for e in requests:
        absent = [h for h in REQUIRED_HEADERS if not header(e.ex.request_headers, h)]
        if absent:
            where = f"{e.ex.method} {e.op} (exchange {e.ex.id})"
            return Evidence([e], f"no {', '.join(absent)} in {where}: send it on every request")
    return Evidence(requests)


def q5_receipt(log: Sequence[Entry]) -> Evidence:
    proof = [e for e in log if e.ok("create_payment", 201) and e.req("receipt")]
    proof += [e for e in log if "/order-management/" in e.ex.url and e.ex.status in (200, 201)]
    hint = "no create carried a receipt: run full_capture_refund (sends a receipt)"
    return Evidence(proof, None if proof else hint)


def reference_problem(reference: str) -> str | None:
    """Why a reference breaks the orderid advice (§11 P1), or None when it follows it."""
    if not REFERENCE.match(reference):
        return "must be 8–64 characters of a-z, A-Z, 0-9 and -"
    if reference.isdigit():
        return "is purely numeric"
    if reference.startswith("0"):
        return "has a leading zero"
    return None


def p1_reference(log: Sequence[Entry]) -> Evidence:
    created = [e for e in log if e.ok("create_payment", 201) and e.reference]
    if not created:
        return Evidence([], "no payment created yet")
    for e in created:
        why = reference_problem(e.reference or "")
        if why:
            return Evidence([e], f"reference {e.reference!r} {why}")
    return Evidence(created)


def p2_polling(log: Sequence[Entry]) -> Evidence:
    gets = [e for e in log if e.ok("get_payment", 200) and e.reference]
    counts = Counter(e.reference for e in gets)
    polled = {ref for ref, n in counts.items() if n >= 2}
    proof = [e for e in gets if e.reference in polled]
    return Evidence(proof, None if proof else "no reference was polled twice: poll GET until final")


def _order_shows(e: Entry) -> frozenset[EventName]:
    """What a read of the payment verified of a complete order: its events, or a GET's state
    and amounts (a GET after a cancel shows cancelledAmount > 0; the state stays AUTHORIZED)."""
    if e.event_names:
        return e.event_names & COMPLETE_ORDER
    if not e.ok("get_payment", 200) or e.payment is None:
        return frozenset()
    agg = e.payment.aggregate
    amounts = {
        EventName.CAPTURED: agg.captured,
        EventName.REFUNDED: agg.refunded,
        EventName.CANCELLED: agg.cancelled,
    }
    shown = {name for name, money in amounts.items() if money.value > 0}
    if e.state is PaymentState.AUTHORIZED:
        shown.add(EventName.AUTHORIZED)
    return frozenset(shown)


def _complete_order(log: Sequence[Entry], where: str) -> Evidence:
    """One reference whose GETs or event logs (reads, not the writes' own answers) show it
    AUTHORIZED, CAPTURED, REFUNDED and CANCELLED. The evaluation picks the environment."""
    by_ref: dict[tuple[str, str], list[tuple[Entry, frozenset[EventName]]]] = {}
    for e in log:
        if e.reference and (shown := _order_shows(e)):
            # A reference is unique per environment only: never join two environments' orders.
            by_ref.setdefault((e.ex.target, e.reference), []).append((e, shown))
    for reads in by_ref.values():
        if frozenset().union(*(shown for _, shown in reads)) >= COMPLETE_ORDER:
            return Evidence([e for e, _ in reads])
    hint = f"no {where} reference showed AUTHORIZED, CAPTURED, REFUNDED and CANCELLED via the API"
    return Evidence([], hint + ": run partial_capture_refund_cancel there, then fetch its events")


def g2_production(log: Sequence[Entry]) -> Evidence:
    return _complete_order(log, "production")


def g3_test(log: Sequence[Entry]) -> Evidence:
    return _complete_order(log, "test")
