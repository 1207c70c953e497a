"""The ePayment go-live checklist: its items and their evaluation against an evidence log."""

from lib.checklist.evaluate import ChecklistResult, ItemResult, Status, evaluate
from lib.checklist.items import ITEM_IDS, ITEMS, ChecklistItem, Kind, item_by_id

__all__ = [
    "ITEMS",
    "ITEM_IDS",
    "ChecklistItem",
    "ChecklistResult",
    "ItemResult",
    "Kind",
    "Status",
    "evaluate",
    "item_by_id",
]
