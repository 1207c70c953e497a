"""Findings: what a rule found in a system's traffic, as data a page, the CLI and a test share."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any


class Severity(StrEnum):
    ERROR = "error"  # the integration is wrong: fix before go-live (the CLI exits 1)
    WARNING = "warning"  # against the guidelines or the checklist's advice
    INFO = "info"  # worth knowing, or a rule that could not run


@dataclass(frozen=True)
class Finding:
    """One problem: the rule's stable id, how bad, which exchanges show it, what to change."""

    rule: str
    severity: Severity
    message: str
    exchange_ids: tuple[int, ...] = ()
    reference: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "reference": self.reference,
            "exchange_ids": list(self.exchange_ids),
            "message": self.message,
        }


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def write_findings(findings: Sequence[Finding], path: str | Path) -> Path:
    """findings.json: a list of {rule, severity, reference, exchange_ids, message}."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = [f.to_json() for f in findings]
    target.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
