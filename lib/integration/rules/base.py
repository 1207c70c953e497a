"""What every rule shares: the Rule record and one way to build a finding from exchanges."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lib.integration.findings import Finding, Severity
from lib.integration.traffic import Seen, Traffic

Check = Callable[[Traffic], list[Finding]]


@dataclass(frozen=True)
class Rule:
    """A stable id, what it checks (one line), its official source, and the pure check itself.

    `operations` are the exchanges that exercise it: none recorded means "not yet exercised".
    """

    id: str
    title: str
    source: str
    check: Check
    operations: frozenset[str]


def finding(
    rule: str, severity: Severity, message: str, seen: Sequence[Seen], reference: str | None = None
) -> Finding:
    """A finding naming `seen`; the reference is set when they all concern one payment."""
    if reference is None:
        references = {s.reference for s in seen}
        reference = references.pop() if len(references) == 1 else None
    return Finding(rule, severity, message, tuple(s.id for s in seen), reference)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def ops_of(seen: Sequence[Seen]) -> str:
    return ", ".join(dict.fromkeys(s.op for s in seen))
