"""Evidence rules for the endpoint items E1–E6: which logged exchanges prove each."""

from __future__ import annotations

from collections.abc import Sequence

from lib.checklist.log import FINAL_STATES, Entry, Evidence


def value(entry: Entry, *path: str) -> int | None:
    found = entry.resp(*path) if path[0] != "modificationAmount" else entry.req(*path)
    return found if isinstance(found, int) else None


def e1_create(log: Sequence[Entry]) -> Evidence:
    proof = [
        e
        for e in log
        if e.ok("create_payment", 201)
        and e.resp("reference")
        and (e.resp("redirectUrl") or e.req("userFlow") == "PUSH_MESSAGE")
    ]
    return Evidence(proof, None if proof else "create a payment (any scenario); no 201 logged")


def e2_get(log: Sequence[Entry]) -> Evidence:
    gets = [e for e in log if e.ok("get_payment")]
    final = [e for e in gets if e.resp("state") in FINAL_STATES]
    if not gets:
        return Evidence([], "no 200 GET of a payment: poll a payment's status")
    if not final:
        return Evidence(gets, "no GET showed a final state: poll until AUTHORIZED or another end")
    return Evidence(final)


def e3_events(log: Sequence[Entry]) -> Evidence:
    proof = [e for e in log if e.ok("get_payment_event_log")]
    return Evidence(proof, None if proof else "fetch a payment's event log (GET …/events)")


def e4_cancel(log: Sequence[Entry]) -> Evidence:
    proof = [
        e
        for e in log
        if e.ok("cancel_payment")
        and (
            e.resp("state") == "TERMINATED"
            or (value(e, "aggregate", "cancelledAmount", "value") or 0) > 0
        )
    ]
    hint = "run the cancel-before-approval or partial-capture scenario; no cancel took effect"
    return Evidence(proof, None if proof else hint)


def _partial_and_full(log: Sequence[Entry], op: str, of: str, done: str) -> tuple[list, list]:
    """Modifications of `op` below the `of` aggregate, and those after which `done` reaches it."""
    partial, full = [], []
    for e in log:
        if not e.ok(op):
            continue
        n = value(e, "modificationAmount", "value")
        limit = value(e, "aggregate", of, "value")
        reached = value(e, "aggregate", done, "value")
        if n is not None and limit and n < limit:
            partial.append(e)
        if limit and reached == limit:
            full.append(e)
    return partial, full


def e5_capture(log: Sequence[Entry]) -> Evidence:
    partial, full = _partial_and_full(log, "capture_payment", "authorizedAmount", "capturedAmount")
    partial_hint, full_hint = "run the partial-capture scenario", "run the full-capture"
    return _both(partial, full, "capture", partial_hint, full_hint)


def e6_refund(log: Sequence[Entry]) -> Evidence:
    partial, full = _partial_and_full(log, "refund_payment", "capturedAmount", "refundedAmount")
    return _both(partial, full, "refund", "run the partial-refund scenario", "run the full-refund")


def _both(partial: list, full: list, what: str, partial_hint: str, full_hint: str) -> Evidence:
    in_partial = {id(e) for e in partial}
    proof = partial + [e for e in full if id(e) not in in_partial]
    if not partial:
        return Evidence(proof, f"no partial {what}: {partial_hint} (partial_capture_refund_cancel)")
    if not full:
        return Evidence(proof, f"no {what} reached the full amount: {full_hint} scenario")
    return Evidence(proof)
