"""What a run set out to prove per sales unit, its checklist, and which asked items it did not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lib.checklist import ITEM_IDS, ChecklistResult, ItemResult, Status, evaluate, is_rehearsal
from lib.exchange import Exchange
from lib.qa.batch import Batch, UnitRun
from lib.qa.runner import BatteryResult, Outcome
from lib.qa.scenario import Scenario
from lib.qa.units import Unit
from lib.webhooks import OPERATION as WEBHOOK_DELIVERY


@dataclass(frozen=True)
class UnitVerdict:
    unit: Unit
    result: BatteryResult
    checklist: ChecklistResult  # over this unit's exchanges only
    asked: tuple[str, ...]  # checklist items this unit's run set out to prove
    unproven: tuple[ItemResult, ...]  # asked, and not shown

    @property
    def ok(self) -> bool:
        return not self.result.failed and not self.unproven


def asked_items(
    result: BatteryResult, catalogue: Sequence[Scenario], *, webhooks: bool
) -> tuple[str, ...]:
    """An item is asked when every scenario of the catalogue that claims it (`proves`) passed in
    this run, so a chosen few scenarios ask only what they prove alone, and a manual step (the
    test environment's reject) asks nothing it cannot do. Q1 is asked when a receiver was
    registered and a passed scenario polled its payment: webhooks and polling, both."""
    ran = {s.scenario for s in result.steps}
    passed = {name for name in ran if result.scenario_outcome(name) is Outcome.PASSED}
    claimed = {item for s in catalogue for item in s.proves}
    asked = {i for i in claimed if all(s.name in passed for s in catalogue if i in s.proves)}
    polled = any(
        e.operation == "get_payment" and e.status == 200
        for s in result.steps
        if s.scenario in passed
        for e in s.exchanges
    )
    if webhooks and polled:
        asked.add("Q1")
    return tuple(i for i in ITEM_IDS if i in asked)


def shown(target: str) -> tuple[Status, ...]:
    """Statuses that prove an item on `target`: a rehearsal target can only rehearse it."""
    return (Status.MET, Status.REHEARSED) if is_rehearsal(target) else (Status.MET,)


def unit_exchanges(unit_run: UnitRun, recorded: Sequence[Exchange]) -> list[Exchange]:
    """The unit's own exchanges, and the webhook deliveries for its payments."""
    ids = {e.id for e in unit_run.run.exchanges}
    refs = set(unit_run.references)
    return [
        e
        for e in recorded
        if e.id in ids or (e.operation == WEBHOOK_DELIVERY and e.reference in refs)
    ]


def judge(
    batch: Batch, recorded: Sequence[Exchange], catalogue: Sequence[Scenario], now: datetime
) -> list[UnitVerdict]:
    out = []
    for unit_run in batch.runs:
        checklist = evaluate(unit_exchanges(unit_run, recorded), now=now)
        result = unit_run.run.result
        asked = asked_items(result, catalogue, webhooks=batch.watch is not None)
        proven = shown(batch.target)
        unproven = tuple(checklist[i] for i in asked if checklist[i].status not in proven)
        out.append(UnitVerdict(unit_run.unit, result, checklist, asked, unproven))
    return out
