"""What the report prints of a log, bounded whatever its size: head facts, request examples and
the timelines of a few references. Built from exchanges here, from a store in from_store.py,
by the same rules, so a small log reads the same both ways."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, zip_longest

from lib.checklist import ChecklistResult
from lib.checklist.log import Entry, entries, header
from lib.exchange import Exchange
from lib.recorder import Redactor
from lib.recorder.report_queries import OUTSIDE_TIMELINES

# Module constants read at call time, so a test can lower them.
MAX_TIMELINES = 50  # references with a timeline: those the checklist cites first, then the newest
MAX_TIMELINE_EXCHANGES = 50  # per timeline (a long polling loop is in the log files)
MAX_MSNS = 20  # MSNs named in the head; one more is read to say "and more"
MAX_TARGETS = 10  # a bound only: there are four (simulator, test, production, custom)


@dataclass(frozen=True)
class Timeline:
    """One reference's first exchanges in log order, and how many it has in the log."""

    reference: str
    entries: tuple[Entry, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.entries)


@dataclass(frozen=True)
class Printed:
    """Everything the HTML and PDF reports print besides the checklist's own rows."""

    result: ChecklistResult
    msns: tuple[str, ...]  # sorted; MAX_MSNS + 1 of them means there are more
    targets: tuple[str, ...]  # sorted
    examples: tuple[Exchange, ...]  # redacted again, by operation then time
    timelines: tuple[Timeline, ...]  # in the order their references first appear in the log
    references: int  # references in the log with a timeline, printed or not

    @property
    def more_references(self) -> int:
        return self.references - len(self.timelines)


def cited_references(result: ChecklistResult) -> list[str]:
    """The checklist's references, round robin over its items, each item's newest first: with
    few timelines, every item still shows one of its proofs."""
    newest_first = [reversed(r.references) for r in result.items]
    return list(dict.fromkeys(ref for depth in zip_longest(*newest_first) for ref in depth if ref))


def pick_timelines(
    cited: Iterable[str], newest: Iterable[str], fetch: Callable[[str], Timeline | None]
) -> list[Timeline]:
    """Up to MAX_TIMELINES timelines: the cited references that are in the log, then the newest.
    `newest` is read only as far as needed (from a store it walks the log)."""
    found: dict[str, Timeline] = {}
    tried: set[str] = set()
    for reference in chain(cited, newest):
        if len(found) >= MAX_TIMELINES:
            break
        if reference in tried:
            continue
        tried.add(reference)
        if (timeline := fetch(reference)) is not None:
            found[reference] = timeline
    return list(found.values())


def redacted(examples: Iterable[Exchange]) -> tuple[Exchange, ...]:
    """The printed examples redacted again: defence in depth for exchanges that did not come
    through a Recorder."""
    redactor = Redactor()
    return tuple(redactor.redact(ex) for ex in examples)


def pick_examples(log: Sequence[Exchange]) -> list[Exchange]:
    """The newest success and the newest failure of each operation (`log` oldest first), by
    operation, then time, then place in the log (the store's (time, id) order)."""
    chosen: dict[tuple[str, bool], int] = {}
    for i, ex in enumerate(log):
        chosen[(ex.operation, ex.status is not None and ex.status < 400)] = i  # the last wins
    order = sorted(chosen.values(), key=lambda i: (log[i].operation, log[i].started_at, i))
    return [log[i] for i in order]


def printed_from_list(exchanges: Iterable[Exchange], result: ChecklistResult) -> Printed:
    """The report's view of exchanges in memory (callers that already hold them)."""
    log = sorted(exchanges, key=lambda ex: ex.started_at)
    by_reference: dict[str, list[Entry]] = {}
    last_seen: dict[str, int] = {}
    for i, entry in enumerate(entries(log)):
        if entry.op not in OUTSIDE_TIMELINES and (reference := entry.reference):
            by_reference.setdefault(reference, []).append(entry)
            last_seen[reference] = i
    newest = sorted(last_seen, key=last_seen.__getitem__, reverse=True)

    def fetch(reference: str) -> Timeline | None:
        found = by_reference.get(reference)
        if not found:
            return None
        return Timeline(reference, tuple(found[:MAX_TIMELINE_EXCHANGES]), len(found))

    chosen = pick_timelines(cited_references(result), newest, fetch)
    first_seen = {ref: i for i, ref in enumerate(by_reference)}  # dicts keep insertion order
    msns = {m for ex in log if (m := header(ex.request_headers, "Merchant-Serial-Number"))}
    return Printed(
        result=result,
        msns=tuple(sorted(msns)[: MAX_MSNS + 1]),
        targets=tuple(sorted({ex.target for ex in log})),
        examples=redacted(pick_examples(log)),
        timelines=tuple(sorted(chosen, key=lambda t: first_seen[t.reference])),
        references=len(by_reference),
    )
