"""The integration page's tables: a system's exchanges with their findings, and the rules."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from lib.exchange import Exchange
from lib.integration.capture import system_of
from lib.integration.findings import Finding, Severity
from lib.integration.rules import rule_table
from lib.integration.traffic import Thresholds, Traffic

FEED_LIMIT = 200  # newest rows shown; the evidence store keeps them all


def findings_by_exchange(findings: Sequence[Finding]) -> dict[int, list[Finding]]:
    found: dict[int, list[Finding]] = defaultdict(list)
    for f in findings:
        for exchange_id in f.exchange_ids:
            found[exchange_id].append(f)
    return found


def system_label(ex: Exchange) -> str:
    name, plugin = system_of(ex.request_headers)
    if ex.operation.startswith("webhook_"):
        return "the lab, to your webhook endpoint"
    return " / ".join(p for p in (name, plugin) if p) or "(no Vipps-System-Name)"


def feed_rows(
    exchanges: Sequence[Exchange], findings: Sequence[Finding], limit: int = FEED_LIMIT
) -> list[dict[str, Any]]:
    """Newest first: one row per exchange, its findings' rule ids inline (worst first)."""
    by_exchange = findings_by_exchange(findings)
    order = list(Severity)
    rows = []
    for ex in list(exchanges)[::-1][:limit]:
        mine = sorted(by_exchange.get(ex.id or -1, []), key=lambda f: order.index(f.severity))
        rows.append(
            {
                "#": ex.id,
                "time": ex.started_at.strftime("%H:%M:%S.%f")[:-3],
                "system": system_label(ex),
                "operation": ex.operation,
                "reference": ex.reference or "",
                "status": str(ex.status) if ex.status is not None else (ex.error or "no answer"),
                "findings": ", ".join(dict.fromkeys(f"{f.rule} ({f.severity})" for f in mine)),
            }
        )
    return rows


def rule_rows(
    exchanges: Sequence[Exchange], findings: Sequence[Finding], thresholds: Thresholds
) -> list[dict[str, str]]:
    """Per rule: pass, the worst severity found, or not exercised (lib.integration.rules)."""
    return rule_table(Traffic(exchanges, thresholds), findings)


def severity_counts(findings: Sequence[Finding]) -> dict[str, int]:
    return {str(s): sum(f.severity is s for f in findings) for s in Severity}
