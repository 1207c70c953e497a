"""idempotency.missing-key and idempotency.new-key-on-retry: safe retries of money-moving calls."""

from __future__ import annotations

from collections import defaultdict

from lib.integration.findings import Finding, Severity
from lib.integration.rules.base import finding, ops_of, plural
from lib.integration.traffic import Seen, Traffic

KEYED = ("create_payment", "capture_payment", "refund_payment")  # spec: Idempotency-Key required
RETRIED = (*KEYED, "cancel_payment")


def missing_key(traffic: Traffic) -> list[Finding]:
    missing = [s for s in traffic.of(*KEYED) if not (s.header("Idempotency-Key") or "").strip()]
    if not missing:
        return []
    return [
        finding(
            "idempotency.missing-key",
            Severity.ERROR,
            f"{plural(len(missing), 'request')} ({ops_of(missing)}) had no Idempotency-Key. "
            "Send a new key for each create, capture and refund, and the same key again when "
            "you retry it.",
            missing,
        )
    ]


def _same_request(a: Seen, b: Seen) -> bool:
    if a.request is not None or b.request is not None:
        return bool(a.request == b.request)
    return (a.ex.request_body or "") == (b.ex.request_body or "")


def new_key_on_retry(traffic: Traffic) -> list[Finding]:
    groups: dict[tuple[str, str | None, str], list[Seen]] = defaultdict(list)
    for s in traffic.of(*RETRIED):
        if s.reference is not None:
            groups[(s.op, s.msn, s.reference)].append(s)
    found = []
    for (op, _, reference), seen in groups.items():
        for failed, again in zip(seen, seen[1:], strict=False):
            key_a, key_b = failed.header("Idempotency-Key"), again.header("Idempotency-Key")
            if failed.outcome_unknown and key_a != key_b and _same_request(failed, again):
                answer = f"HTTP {failed.status}" if failed.status else "no answer"
                found.append(
                    finding(
                        "idempotency.new-key-on-retry",
                        Severity.ERROR,
                        f"{op} on {reference} got {answer} and was sent again with a different "
                        f"Idempotency-Key ({key_a or 'none'}, then {key_b or 'none'}). When the "
                        "outcome is unknown, retry with the same key: with a new key the API may "
                        "do it twice (a double capture or refund).",
                        [failed, again],
                        reference,
                    )
                )
    return found
