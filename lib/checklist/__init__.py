"""The ePayment go-live checklist: its items and their evaluation against an evidence log."""

from lib.checklist.age import WARN_AFTER_DAYS, age_text, age_warning, proven_text
from lib.checklist.evaluate import ChecklistResult, ItemResult, Status, evaluate, evaluate_store
from lib.checklist.items import ITEM_IDS, ITEMS, ChecklistItem, Kind, item_by_id
from lib.checklist.summary import completeness_line, rehearsal_warning, summary_lines, warnings
from lib.checklist.targets import REHEARSALS, is_rehearsal

__all__ = [
    "ITEMS",
    "ITEM_IDS",
    "REHEARSALS",
    "WARN_AFTER_DAYS",
    "ChecklistItem",
    "ChecklistResult",
    "ItemResult",
    "Kind",
    "Status",
    "age_text",
    "age_warning",
    "completeness_line",
    "evaluate",
    "evaluate_store",
    "is_rehearsal",
    "item_by_id",
    "proven_text",
    "rehearsal_warning",
    "summary_lines",
    "warnings",
]
