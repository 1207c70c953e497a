"""What the report says before any table, shared by the HTML and the PDF: head facts, and the
bounded view of the log (exchanges in memory, or a selection still in the store) they print."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from lib.checklist import ChecklistResult, evaluate, evaluate_store, is_rehearsal
from lib.exchange import Exchange
from lib.recorder.sources import Selection
from lib.report import printed
from lib.report.from_store import printed_from_store
from lib.report.printed import Printed, printed_from_list

# What a report is built from: exchanges in memory, a selection still in the store (read by
# bounded questions, never whole), or the view already taken of either.
ReportSource = Iterable[Exchange] | Selection | Printed


@dataclass(frozen=True)
class ReportInfo:
    """What the report's head says. Unset values are derived from the log."""

    title: str = "ePayment checklist evidence"
    merchant_serial_number: str | None = None
    target: str | None = None
    label: str | None = None
    generated_at: datetime | None = None


def printed_of(
    source: ReportSource,
    *,
    now: datetime,
    checklist: ChecklistResult | None = None,
    manual_comments: Mapping[str, str] | None = None,
) -> Printed:
    """The report's view of `source`; the checklist is evaluated when not given (in the
    database for a selection)."""
    if isinstance(source, Printed):
        return source
    comments = dict(manual_comments or {})
    if isinstance(source, Selection):
        result = checklist or evaluate_store(
            source.store, now=now, where=source.where, manual_comments=comments
        )
        return printed_from_store(source.store, source.where, result)
    log = list(source)
    result = checklist or evaluate(log, now=now, manual_comments=comments)
    return printed_from_list(log, result)


def msns_text(msns: tuple[str, ...]) -> str:
    shown = ", ".join(msns[: printed.MAX_MSNS])
    return (shown + (", …" if len(msns) > printed.MAX_MSNS else "")) or "unknown"


def date(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "–"


def targets_text(info: ReportInfo, targets: Iterable[str]) -> str:
    """The targets, each rehearsal one marked as such where the reader first looks."""
    named = [
        f"{t} (a rehearsal, not evidence for Vipps)" if is_rehearsal(t) else t
        for t in ([info.target] if info.target else targets)
    ]
    return ", ".join(named) or "–"


def head_rows(info: ReportInfo, view: Printed) -> list[tuple[str, str]]:
    result = view.result
    return [
        ("Sales unit (MSN)", info.merchant_serial_number or msns_text(view.msns)),
        ("Target", targets_text(info, view.targets)),
        ("Run", info.label or "–"),
        ("Requests from", f"{date(result.first_at)} to {date(result.last_at)}"),
        ("Exchanges", str(result.exchange_count)),
        ("Generated", date(info.generated_at or result.evaluated_at)),
    ]
