"""What one exchange can prove on the checklist, worked out once, when it is stored.

Each kind is the checklist's own per-exchange test (lib/checklist's rules and Entry), so the
stored facts and the rules cannot drift apart; lib/recorder/checklist_sql.py then answers each
item with indexed queries over these rows instead of reading every body again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lib.checklist import endpoints, quality
from lib.checklist.log import Entry, header
from lib.epayment.models import FINAL_STATES, EventName
from lib.exchange import Exchange

# Order-shows and event-log bits: G2/G3 need all four, Q2 the last three.
BITS: dict[EventName, int] = {
    EventName.AUTHORIZED: 1,
    EventName.CAPTURED: 2,
    EventName.REFUNDED: 4,
    EventName.CANCELLED: 8,
}
COMPLETE_MASK = 15


@dataclass(frozen=True)
class Proof:
    kind: str
    reference: str | None
    value: str | None = None
    mask: int = 0


def mask_of(names: Iterable[EventName]) -> int:
    return sum(BITS.get(name, 0) for name in set(names))


def _captures_and_refunds(e: Entry) -> list[Proof]:
    found = []
    for kind, op, of, done in (
        ("E5", "capture_payment", lambda a: a.authorized, lambda a: a.captured),
        ("E6", "refund_payment", lambda a: a.captured, lambda a: a.refunded),
    ):
        partial, full = endpoints._partial_and_full([e], op, of, done)
        found += [Proof(f"{kind}P", e.reference)] if partial else []
        found += [Proof(f"{kind}F", e.reference)] if full else []
    return found


def _endpoint_proofs(e: Entry) -> list[Proof]:
    found: list[Proof] = []
    ref = e.reference
    if endpoints.e1_create([e]).met:
        found.append(Proof("E1", ref))
    if e.ok("get_payment", 200):  # E2, P2, Q1 (with a reference), Q2 (state), G2/G3 (mask)
        state = e.state
        found.append(
            Proof("G", ref, str(state) if state else None, mask_of(quality._order_shows(e)))
        )
        if ref and state in FINAL_STATES:
            found.append(Proof("GF", ref, str(state)))
    if e.ok("get_payment_event_log", 200):  # E3 (a list), Q2 (events)
        kind_of_body = "list" if isinstance(e.response, list) else None
        found.append(Proof("EV", ref, kind_of_body, mask_of(quality._order_shows(e))))
        if kind_of_body:
            found.append(Proof("E3", ref))
    shows = mask_of(quality._order_shows(e)) if ref else 0
    if shows:  # G2/G3: a read showing part of a complete order; OX: the rarest part, a cancel
        found.append(Proof("O", ref, None, shows))
        if shows & BITS[EventName.CANCELLED]:
            found.append(Proof("OX", ref, None, shows))
    if endpoints.e4_cancel([e]).met:
        found.append(Proof("E4", ref))
    return found + _captures_and_refunds(e)


def _quality_proofs(e: Entry) -> list[Proof]:
    found: list[Proof] = []
    ref = e.reference
    if e.op == "webhook_delivery":
        found.append(Proof("WH", ref))
        if quality.verified_delivery(e):
            found.append(Proof("WHV", ref))
    if quality._is_problem(e) and e.resp("traceId"):
        found.append(Proof("Q3T", ref))
        if e.error_code:
            found.append(Proof("Q3C", ref))
    if e.is_epayment and e.op != "webhook_delivery":
        headers = e.ex.request_headers
        absent = [h for h in quality.REQUIRED_HEADERS if not header(headers, h)]
        found.append(Proof("Q4", ref, ", ".join(absent) or None))
        if absent:  # the first such request fails Q4: found by its own kind, an index range
            found.append(Proof("Q4X", ref))
    receipt = e.ok("create_payment", 201) and e.req("receipt")
    if receipt or ("/order-management/" in e.ex.url and e.ex.status in (200, 201)):
        found.append(Proof("Q5", ref))
    if e.ok("create_payment", 201) and ref:
        problem = quality.reference_problem(ref)
        found.append(Proof("P1", ref, problem))
        if problem:
            found.append(Proof("P1X", ref))
    return found


def proofs_of(exchange: Exchange) -> list[Proof]:
    """Every kind of proof the exchange gives (none for most failures)."""
    entry = Entry(exchange)
    return _endpoint_proofs(entry) + _quality_proofs(entry)


def proof_rows(exchange_id: int, exchange: Exchange) -> list[dict[str, Any]]:
    """The `proofs` table's rows for a stored exchange."""
    return [
        {
            "exchange_id": exchange_id,
            "kind": p.kind,
            "run_id": exchange.run_id,
            "target": exchange.target,
            "started_at": exchange.started_at,
            "reference": p.reference,
            "value": p.value,
            "mask": p.mask,
        }
        for p in proofs_of(exchange)
    ]
