"""What the report says before any table, shared by the HTML and the PDF: head facts, warnings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lib.checklist import ChecklistResult, is_rehearsal
from lib.checklist.log import Entry, header
from lib.exchange import Exchange
from lib.recorder import Redactor
from lib.report.sections import pick_examples


@dataclass(frozen=True)
class ReportInfo:
    """What the report's head says. Unset values are derived from the log."""

    title: str = "ePayment checklist evidence"
    merchant_serial_number: str | None = None
    target: str | None = None
    label: str | None = None
    generated_at: datetime | None = None


def msns(exchanges: Sequence[Exchange]) -> str:
    found = {header(ex.request_headers, "Merchant-Serial-Number") for ex in exchanges}
    return ", ".join(sorted(m for m in found if m)) or "unknown"


def date(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "–"


def targets_text(info: ReportInfo, exchanges: Sequence[Exchange]) -> str:
    """The targets, each rehearsal one marked as such where the reader first looks."""
    targets = [info.target] if info.target else sorted({ex.target for ex in exchanges})
    named = [
        f"{t} (a rehearsal, not evidence for Vipps)" if is_rehearsal(t) else t for t in targets
    ]
    return ", ".join(named) or "–"


def head_rows(
    info: ReportInfo, exchanges: Sequence[Exchange], result: ChecklistResult
) -> list[tuple[str, str]]:
    return [
        ("Sales unit (MSN)", info.merchant_serial_number or msns(exchanges)),
        ("Target", targets_text(info, exchanges)),
        ("Run", info.label or "–"),
        ("Requests from", f"{date(result.first_at)} to {date(result.last_at)}"),
        ("Exchanges", str(result.exchange_count)),
        ("Generated", date(info.generated_at or result.evaluated_at)),
    ]


def examples(parsed: Sequence[Entry]) -> list[Exchange]:
    """The printed request examples, redacted again: defence in depth for exchanges that did not
    come through a Recorder."""
    redactor = Redactor()
    return [redactor.redact(ex) for ex in pick_examples(parsed)]
