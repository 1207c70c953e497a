"""The request log's questions to the evidence store: its filters as one `ExchangeFilter`, a
page of rows at a time, labels for the exchanges on it. Nothing here reads the whole log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd

from lib.checklist.targets import REHEARSALS
from lib.exchange import Exchange
from lib.recorder import ExchangeFilter, Page, RunFilter, Store, exchanges_to_dataframe, summary

PAGE_SIZE = 50
# The runs' who and where, as `store.who_values()` names them, with the filters' labels.
WHO = {"person": "Person", "host": "Host", "target": "Target", "msn": "MSN"}
REHEARSAL = (
    "Exchanges with the simulator or a custom URL are a **rehearsal, never evidence for Vipps**."
)


def log_filter(
    run_id: str | None,
    *,
    steps: Sequence[str] = (),
    statuses: Sequence[str] = (),
    reference: str = "",
    who: Mapping[str, Sequence[str]] | None = None,
) -> ExchangeFilter:
    """The request log's filters: one run (None: every run), steps, status classes (2xx, ...,
    "no response"), a part of the reference, and the runs' persons, hosts, targets and MSNs."""
    chosen = who or {}
    return ExchangeFilter(
        run_ids=None if run_id is None else (run_id,),
        steps=tuple(steps),
        status_classes=tuple(statuses),
        reference_contains=(reference or "").strip(),
        who=RunFilter(
            persons=tuple(chosen.get("person", ())),
            hosts=tuple(chosen.get("host", ())),
            targets=tuple(chosen.get("target", ())),
            msns=tuple(chosen.get("msn", ())),
        ),
    )


def page_of(
    store: Store, where: ExchangeFilter, number: int, size: int = PAGE_SIZE
) -> tuple[Page, int]:
    """Page `number` (1 = newest) and its number: the last page when fewer match now."""
    number = max(1, number)
    page = store.page(where, offset=(number - 1) * size, limit=size)
    if number > page.pages:
        number = page.pages
        page = store.page(where, offset=(number - 1) * size, limit=size)
    return page, number


def table(page: Page) -> pd.DataFrame:
    """The page's rows (newest first) in the columns a person reads first; a missing text (a
    webhook delivery has no step, most rows no error) is an empty cell, not the word "None"."""
    frame = summary(exchanges_to_dataframe(page.rows))
    texts = frame.select_dtypes("object").columns
    frame[texts] = frame[texts].fillna("")
    return frame


def span(page: Page) -> str:
    """ "Exchanges 51-100 of 1,234, newest first"."""
    first = page.offset + 1 if page.rows else 0
    return f"Exchanges {first}-{page.offset + len(page.rows)} of {page.total}, newest first"


def label(exchange: Exchange) -> str:
    status = exchange.status if exchange.status is not None else "-"
    return f"#{exchange.id} {exchange.operation} {status} {exchange.reference or ''}".rstrip()


def choices(page: Page, pinned: int | None = None, chosen: int | None = None) -> dict[int, str]:
    """The exchanges to open, newest first: the page's, after the one another page opened
    (`pinned`: the checklist or QA page) while it is still the one chosen and not on this page."""
    found = {int(e.id): label(e) for e in page.rows if e.id is not None}
    if pinned is None or pinned != chosen or pinned in found:
        return found
    return {pinned: f"#{pinned} (opened from another page)", **found}


def rehearsed(store: Store, where: ExchangeFilter) -> bool:
    """Whether any matching exchange went to a rehearsal target (one indexed, one-row query)."""
    rows = store.iter_rows(replace(where, targets=REHEARSALS), ["id"], chunk=1)
    return next(rows, None) is not None
