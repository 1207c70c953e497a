"""Evidence rules for the endpoint items E1–E6: which logged exchanges prove each."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lib.checklist.log import Entry, Evidence
from lib.epayment.models import FINAL_STATES, Aggregate, Money, PaymentState

Part = Callable[[Aggregate], Money]


def e1_create(log: Sequence[Entry]) -> Evidence:
    """A 201 create naming its reference, with a redirectUrl unless the flow is PUSH_MESSAGE."""
    proof = [
        e
        for e in log
        if e.ok("create_payment", 201)
        and isinstance(e.resp("reference"), str)
        and (e.resp("redirectUrl") or e.req("userFlow") == "PUSH_MESSAGE")
    ]
    return Evidence(proof, None if proof else "create a payment (any scenario); no 201 logged")


def e2_get(log: Sequence[Entry]) -> Evidence:
    """200 GETs of a reference, one of them showing a final state (the poll reached an end)."""
    gets = [e for e in log if e.ok("get_payment", 200) and e.reference]
    final = [e for e in gets if e.state in FINAL_STATES]
    if not gets:
        return Evidence([], "no 200 GET of a payment: poll a payment's status")
    if not final:
        return Evidence(gets, "no GET showed a final state: poll until AUTHORIZED or another end")
    return Evidence(final)


def e3_events(log: Sequence[Entry]) -> Evidence:
    """A 200 events call answered with an event log (a JSON list)."""
    proof = [e for e in log if e.ok("get_payment_event_log", 200) and isinstance(e.response, list)]
    return Evidence(proof, None if proof else "fetch a payment's event log (GET …/events)")


def e4_cancel(log: Sequence[Entry]) -> Evidence:
    """A 200 cancel that took effect: TERMINATED (before approval) or an amount cancelled."""
    proof = [
        e
        for e in log
        if e.ok("cancel_payment", 200)
        and e.payment is not None
        and (e.state is PaymentState.TERMINATED or e.payment.aggregate.cancelled.value > 0)
    ]
    hint = "run the cancel-before-approval or partial-capture scenario; no cancel took effect"
    return Evidence(proof, None if proof else hint)


def _partial_and_full(
    log: Sequence[Entry], op: str, of: Part, done: Part
) -> tuple[list[Entry], list[Entry]]:
    """200 modifications `op` of n > 0: partial ones leave part of `of` undone, full ones reach it.

    A modification counts once: the capture of the remainder after a partial capture is the full
    one, so proving both takes two exchanges, as the checklist asks ("one … and one …").
    """
    partial: list[Entry] = []
    full: list[Entry] = []
    for e in log:
        n = e.modification
        if not e.ok(op, 200) or e.payment is None or n is None or n.value <= 0:
            continue
        limit, reached = of(e.payment.aggregate).value, done(e.payment.aggregate).value
        if limit and reached == limit:
            full.append(e)
        elif n.value < limit and reached < limit:
            partial.append(e)
    return partial, full


def e5_capture(log: Sequence[Entry]) -> Evidence:
    """A capture of n < authorized that leaves some uncaptured, and one reaching authorized."""
    partial, full = _partial_and_full(
        log, "capture_payment", lambda a: a.authorized, lambda a: a.captured
    )
    partial_hint, full_hint = "run the partial-capture scenario", "run the full-capture"
    return _both(partial, full, "capture", partial_hint, full_hint)


def e6_refund(log: Sequence[Entry]) -> Evidence:
    """A refund of n < captured that leaves some unrefunded, and one reaching captured."""
    partial, full = _partial_and_full(
        log, "refund_payment", lambda a: a.captured, lambda a: a.refunded
    )
    return _both(partial, full, "refund", "run the partial-refund scenario", "run the full-refund")


def _both(
    partial: list[Entry], full: list[Entry], what: str, partial_hint: str, full_hint: str
) -> Evidence:
    proof = sorted(partial + full, key=lambda e: e.ex.started_at)  # oldest first, like the log
    if not partial:
        return Evidence(proof, f"no partial {what}: {partial_hint} (partial_capture_refund_cancel)")
    if not full:
        return Evidence(proof, f"no {what} reached the full amount: {full_hint} scenario")
    return Evidence(proof)
