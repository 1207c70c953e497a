"""The checklist in a few plain lines, shared by the page, the report and the QA CLI."""

from __future__ import annotations

from collections.abc import Sequence

from lib.checklist.age import age_warning
from lib.checklist.results import ChecklistResult, Status
from lib.checklist.targets import words
from lib.exchange import Exchange


def completeness_line(result: ChecklistResult) -> str:
    """Met and rehearsed counted apart: "0 of 15 automatic items met · 13 rehearsed on …"."""
    parts = [f"{len(result.having(Status.MET))} of {len(result.automatic)} automatic items met"]
    if rehearsed := result.having(Status.REHEARSED):
        parts.append(f"{len(rehearsed)} rehearsed on {words(result.rehearsal_targets)}")
    for status in (Status.STALE, Status.MISSING):
        if found := result.having(status):
            parts.append(f"{len(found)} {status}")
    return " · ".join(parts)


def rehearsal_warning(result: ChecklistResult) -> str | None:
    """Says plainly that rehearsed items are not evidence for Vipps; None when none is."""
    rehearsed = result.having(Status.REHEARSED)
    if not rehearsed:
        return None
    where = words(result.rehearsal_targets)
    needed = words(sorted({r.item.environment for r in rehearsed}, reverse=True))
    if not result.having(Status.MET, Status.STALE):
        return (
            f"This evidence is a rehearsal on {where}. It is not evidence for Vipps: run the "
            f"scenarios in {needed} before you send the checklist."
        )
    ids = ", ".join(r.item.id for r in rehearsed)
    return (
        f"{ids}: shown only in a rehearsal on {where}, which is not evidence for Vipps. "
        f"Run them in {needed} before you send the checklist."
    )


def warnings(result: ChecklistResult, examples: Sequence[Exchange] = ()) -> list[str]:
    """What a reader must know before sending the checklist: rehearsal first, then age."""
    return [w for w in (rehearsal_warning(result), age_warning(result, examples)) if w]


def summary_lines(result: ChecklistResult) -> list[str]:
    """The checklist for a terminal: completeness, warnings, and the items still to prove."""
    not_met = ", ".join(r.item.id for r in result.open_items) or "none"
    return [
        f"Checklist: {completeness_line(result)}",
        *(f"Warning: {w}" for w in warnings(result)),
        f"Not met for Vipps: {not_met}",
    ]
