"""The report's view of a log still in the store: a few bounded database questions (head facts,
one example per operation and outcome, at most MAX_TIMELINES references), never the whole log."""

from __future__ import annotations

from lib.checklist import ChecklistResult
from lib.checklist.log import Entry
from lib.recorder import ExchangeFilter, Store
from lib.recorder import report_queries as ask
from lib.report import printed
from lib.report.printed import Printed, Timeline, cited_references, pick_timelines, redacted


def printed_from_store(
    store: Store, where: ExchangeFilter | None, result: ChecklistResult
) -> Printed:
    """What the report prints of the exchanges `where` selects (None: every run).

    The same as `printed_from_list` of those exchanges, but for one intended difference: a
    timeline groups exchanges by their stored reference, while the list path also takes an
    exchange stored without one under the reference its body names (the recorder sets the
    reference of every payment call, so only hand-made logs differ)."""

    def fetch(reference: str) -> Timeline | None:
        found, total = ask.reference_exchanges(
            store, where, reference, printed.MAX_TIMELINE_EXCHANGES
        )
        return Timeline(reference, tuple(Entry(ex) for ex in found), total) if found else None

    chosen = pick_timelines(cited_references(result), ask.newest_references(store, where), fetch)
    msns = [m for m in ask.distinct_values(store, "msn", where, printed.MAX_MSNS + 1) if m]
    examples = ask.newest_examples(store, where)
    first = {t.reference: (t.entries[0].ex.started_at, t.entries[0].ex.id or 0) for t in chosen}
    return Printed(
        result=result,
        msns=tuple(sorted(msns)),
        targets=tuple(sorted(ask.distinct_values(store, "target", where, printed.MAX_TARGETS))),
        examples=redacted(sorted(examples, key=lambda x: (x.operation, x.started_at, x.id or 0))),
        timelines=tuple(sorted(chosen, key=lambda t: first[t.reference])),
        references=ask.reference_count(store, where),
    )
