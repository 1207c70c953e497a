"""reference.advice: references that break the reference rules or the advice (unique per order)."""

from __future__ import annotations

import re
from collections import defaultdict

from lib.integration.findings import Finding, Severity
from lib.integration.rules.base import finding
from lib.integration.traffic import Seen, Traffic

PATTERN = re.compile(r"^[a-zA-Z0-9-]{8,64}$")  # spec 1.8.1


def _advice(reference: str) -> tuple[Severity, str] | None:
    if not PATTERN.match(reference):
        return Severity.WARNING, "breaks the pattern: 8 to 64 characters of a-z, A-Z, 0-9 and -"
    if reference.isdigit():
        return Severity.INFO, "is purely numeric: prefix it with your shop or MSN"
    if reference.startswith("0"):
        return Severity.INFO, "starts with a zero: leading zeros get lost in spreadsheets"
    return None


def _retries(creates: list[Seen]) -> set[int]:
    # A repeat right after an unknown outcome is idempotency.new-key-on-retry's business.
    return {b.id for a, b in zip(creates, creates[1:], strict=False) if a.outcome_unknown}


def advice(traffic: Traffic) -> list[Finding]:
    creates: dict[tuple[str | None, str], list[Seen]] = defaultdict(list)
    for s in traffic.of("create_payment"):
        if s.reference is not None:
            creates[(s.msn, s.reference)].append(s)
    found = []
    for (_, reference), seen in creates.items():
        problem = _advice(reference)
        if problem is not None:
            severity, text = problem
            found.append(
                finding(
                    "reference.advice",
                    severity,
                    f"Reference {reference!r} {text}. Use your order id with a shop prefix and an "
                    "attempt suffix, e.g. acme-1001-1.",
                    seen,
                    reference,
                )
            )
        retried = _retries(seen)
        keys = {s.header("Idempotency-Key") for s in seen if s.id not in retried}
        if len(keys) > 1:
            found.append(
                finding(
                    "reference.advice",
                    Severity.WARNING,
                    f"Reference {reference!r} was sent in {len(seen)} create requests with "
                    "different Idempotency-Keys: a reference names one payment attempt. Give each "
                    "attempt its own reference (order id plus an attempt suffix).",
                    seen,
                    reference,
                )
            )
    return found
