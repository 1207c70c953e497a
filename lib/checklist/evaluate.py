"""Checklist evaluation: each item's status (met, rehearsed, stale, missing, manual) from a log."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from lib.checklist import endpoints, quality
from lib.checklist.items import ITEMS, ChecklistItem
from lib.checklist.log import Entry, Evidence, entries
from lib.checklist.results import ChecklistResult, ItemResult, Status
from lib.checklist.targets import NAMES, is_rehearsal, words
from lib.exchange import Exchange

Rule = Callable[[Sequence[Entry]], Evidence]

RULES: dict[str, Rule] = {
    "E1": endpoints.e1_create,
    "E2": endpoints.e2_get,
    "E3": endpoints.e3_events,
    "E4": endpoints.e4_cancel,
    "E5": endpoints.e5_capture,
    "E6": endpoints.e6_refund,
    "Q1": quality.q1_webhooks,
    "Q2": quality.q2_states_events,
    "Q3": quality.q3_errors,
    "Q4": quality.q4_headers,
    "Q5": quality.q5_receipt,
    "P1": quality.p1_reference,
    "P2": quality.p2_polling,
    "G2": quality.g2_production,
    "G3": quality.g3_test,
}


# Q4's proof is every request: keep the lists a table or a JSON file can show (newest last).
MAX_IDS, MAX_REFERENCES = 200, 50
Scope = Literal["fresh", "own", "rehearsal", "log"]


@dataclass(frozen=True)
class Found:
    """What a rule found, summed up: counts and the newest examples, not every proving entry.

    A list of entries (`Found.of`) and the store's queries (lib/recorder/checklist_sql.py)
    give the same summary, so both evaluations share one judgement.
    """

    hint: str | None  # None: the rule is met
    count: int = 0
    references: tuple[str, ...] = ()  # the newest proofs' references (last MAX_REFERENCES)
    ids: tuple[int, ...] = ()  # the newest proofs' exchange ids (last MAX_IDS)
    targets: tuple[str, ...] = ()  # in order of first appearance
    newest: datetime | None = None

    @property
    def met(self) -> bool:
        return self.hint is None

    def with_hint(self, hint: str | None) -> Found:
        return replace(self, hint=hint)

    @classmethod
    def of(cls, ev: Evidence) -> Found:
        # In log order (time, then id), whatever order the rule listed them in; references by
        # their newest proof: the ones a checklist would cite, oldest first.
        proof = sorted(ev.proof, key=lambda e: (e.ex.started_at, e.ex.id or 0))
        named = [e.reference for e in reversed(proof) if e.reference]
        refs = list(dict.fromkeys(named))[:MAX_REFERENCES][::-1]
        ids = list(dict.fromkeys(e.ex.id for e in proof if e.ex.id is not None))[-MAX_IDS:]
        return cls(
            hint=ev.hint,
            count=len(proof),
            references=tuple(refs),
            ids=tuple(ids),
            targets=tuple(dict.fromkeys(e.ex.target for e in proof)),
            newest=proof[-1].ex.started_at if proof else None,
        )


class Prover(Protocol):
    """Runs an item's rule on one scope of the log: the environment's fresh exchanges, all of
    them, them with the rehearsals (simulator, custom URL), or the whole log."""

    def prove(self, item_id: str, environment: str, scope: Scope) -> Found: ...

    def beyond_rehearsal(self, environment: str) -> bool: ...  # another environment's in it

    def totals(self) -> tuple[int, datetime | None, datetime | None]: ...  # count, first, last


def evaluate(
    exchanges: Iterable[Exchange],
    *,
    now: datetime,
    max_age_days: int = 30,
    manual_comments: Mapping[str, str] | None = None,
) -> ChecklistResult:
    """Evaluate every checklist item against the log.

    Each rule runs on the item's own environment (test, or production for G2): on the exchanges
    newer than `max_age_days` (met), failing that on all of them (stale). Failing both, it runs on
    them together with the simulator's and custom URLs' exchanges (rehearsed). Composite items (a
    partial AND a full capture) are so judged as a whole, from one kind of evidence.
    """
    cutoff = now - timedelta(days=max_age_days)
    return judge_all(_ListProver(exchanges, cutoff), now, max_age_days, manual_comments)


def evaluate_store(
    store: Any,
    *,
    now: datetime,
    where: Any = None,
    max_age_days: int = 30,
    manual_comments: Mapping[str, str] | None = None,
) -> ChecklistResult:
    """`evaluate` over a store's evidence, answered by indexed queries (every run, or the runs
    `where` names: a `lib.recorder.ExchangeFilter` with run_ids and/or who)."""
    from lib.recorder.checklist_sql import StoreProver  # the recorder imports the rules

    cutoff = now - timedelta(days=max_age_days)
    return judge_all(StoreProver(store, where, cutoff), now, max_age_days, manual_comments)


def judge_all(
    prover: Prover,
    now: datetime,
    max_age_days: int,
    manual_comments: Mapping[str, str] | None = None,
) -> ChecklistResult:
    comments = manual_comments or {}
    results = tuple(_judge(item, prover, comments.get(item.id, ""), now) for item in ITEMS)
    count, first, last = prover.totals()
    return ChecklistResult(results, now, max_age_days, count, first, last)


class _ListProver:
    """The rules run on lists of entries, split once per environment."""

    def __init__(self, exchanges: Iterable[Exchange], cutoff: datetime) -> None:
        self.log = sorted(entries(exchanges), key=lambda e: e.ex.started_at)
        self.cutoff = cutoff
        self._scopes: dict[str, _Scope] = {}

    def _scope(self, environment: str) -> _Scope:
        if environment not in self._scopes:
            self._scopes[environment] = _Scope.of(self.log, environment, self.cutoff)
        return self._scopes[environment]

    def prove(self, item_id: str, environment: str, scope: Scope) -> Found:
        return Found.of(RULES[item_id](getattr(self._scope(environment), scope)))

    def beyond_rehearsal(self, environment: str) -> bool:
        return len(self._scope(environment).rehearsal) < len(self.log)

    def totals(self) -> tuple[int, datetime | None, datetime | None]:
        if not self.log:
            return 0, None, None
        return len(self.log), self.log[0].ex.started_at, self.log[-1].ex.started_at


@dataclass(frozen=True)
class _Scope:
    """The log as one environment's items see it, split once for all of them."""

    environment: str
    fresh: list[Entry]  # the environment's exchanges within the age limit
    own: list[Entry]  # all of the environment's exchanges
    rehearsal: list[Entry]  # those and the simulator's and custom URLs' exchanges
    log: list[Entry]

    @classmethod
    def of(cls, log: list[Entry], environment: str, cutoff: datetime) -> _Scope:
        own = [e for e in log if e.ex.target == environment]
        fresh = [e for e in own if e.ex.started_at >= cutoff]
        rehearsal = [e for e in log if e.ex.target == environment or is_rehearsal(e.ex.target)]
        return cls(environment, fresh, own, rehearsal, log)


def _judge(item: ChecklistItem, prover: Prover, comment: str, now: datetime) -> ItemResult:
    if not item.automatic:
        hint = None if comment else "confirm by hand and add a comment"
        return ItemResult(item, Status.MANUAL, hint=hint, comment=comment)
    env, where = item.environment, NAMES[item.environment]
    if (found := prover.prove(item.id, env, "fresh")).met:
        return _result(item, Status.MET, found, comment, now)
    if (older := prover.prove(item.id, env, "own")).met:
        hint = f"proven in {where} only by exchanges older than the limit: run it again"
        return _result(item, Status.STALE, older, comment, now, hint)
    if (rehearsed := prover.prove(item.id, env, "rehearsal")).met:
        shown = words(t for t in rehearsed.targets if is_rehearsal(t))
        hint = f"rests on exchanges with {shown}, not evidence for Vipps: run it in {where}"
        return _result(item, Status.REHEARSED, rehearsed, comment, now, hint)
    if prover.beyond_rehearsal(env) and (elsewhere := prover.prove(item.id, env, "log")).met:
        shown = words(elsewhere.targets)
        hint = f"shown only in {shown}; this item needs {where}"
        return _result(item, Status.MISSING, Found(hint), comment, now, hint)
    return _result(item, Status.MISSING, rehearsed, comment, now, rehearsed.hint)


def _result(
    item: ChecklistItem,
    status: Status,
    found: Found,
    comment: str,
    now: datetime,
    hint: str | None = None,
) -> ItemResult:
    return ItemResult(
        item,
        status,
        references=found.references,
        exchange_ids=found.ids,
        targets=found.targets,
        newest=found.newest,
        age=now - found.newest if found.newest else None,
        hint=hint,
        comment=comment,
        proof_count=found.count,
    )
