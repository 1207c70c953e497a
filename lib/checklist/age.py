"""How old the proofs are: their date and age in words, and the warning past 25 days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from lib.checklist.results import ChecklistResult, ItemResult
from lib.exchange import Exchange

# The checklist's rule is "examples no older than 1 month": warn while there is time to rerun.
WARN_AFTER_DAYS = 25


def age_text(age: timedelta) -> str:
    """An age in whole days: "today", "1 day", "27 days"."""
    days = age.days
    if days < 1:
        return "today"
    return f"{days} day{'s' if days > 1 else ''}"


def proven_text(result: ItemResult) -> str:
    """The newest proof's date and age, "2026-11-24 (1 day)"; empty when nothing proves it."""
    if result.newest is None or result.age is None:
        return ""
    return f"{result.newest:%Y-%m-%d} ({age_text(result.age)})"


def too_old(age: timedelta | None) -> bool:
    return age is not None and age > timedelta(days=WARN_AFTER_DAYS)


def old_examples(examples: Sequence[Exchange], now: datetime) -> list[Exchange]:
    """The request examples older than WARN_AFTER_DAYS at `now`."""
    return [ex for ex in examples if too_old(now - ex.started_at)]


def age_warning(result: ChecklistResult, examples: Sequence[Exchange] = ()) -> str | None:
    """A warning naming the proofs and printed examples over WARN_AFTER_DAYS old, else None."""
    aged = [r for r in result.automatic if too_old(r.age)]
    old = old_examples(examples, result.evaluated_at)
    if not aged and not old:
        return None
    parts = []
    if aged:
        oldest = max(r.age for r in aged if r.age is not None)
        ids = ", ".join(r.item.id for r in aged)
        parts.append(f"the proof of {ids} (up to {age_text(oldest)} old)")
    if old:
        oldest = result.evaluated_at - min(ex.started_at for ex in old)
        shown = f"{len(old)} of the request examples printed here"
        parts.append(f"{shown} (up to {age_text(oldest)} old)")
    return (
        f"Older than {WARN_AFTER_DAYS} days: {'; '.join(parts)}. The checklist asks for request "
        "examples no older than 1 month: run them again before you send it."
    )
