"""Runs scenarios step by step and yields progress events (for a live table or a CLI)."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from lib.exchange import Exchange
from lib.qa.actor import ManualStepRequired
from lib.qa.context import Context
from lib.qa.scenario import Observed, Scenario, Step
from lib.qa.scenarios import SCENARIOS


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    MANUAL = "manual"  # needs a person on this target
    SKIPPED = "skipped"  # an earlier step of the scenario did not pass


@dataclass(frozen=True)
class Progress:
    """One progress event. `kind`: scenario_started, step_started, step_finished,
    scenario_finished, battery_finished. `done`/`total` count steps, for a progress bar."""

    kind: str
    scenario: str
    step: str | None = None
    outcome: Outcome | None = None
    message: str = ""
    exchange_ids: tuple[int, ...] = ()
    references: tuple[str, ...] = ()
    done: int = 0
    total: int = 0


class Tap:
    """Stands between the client and the recorder and keeps each stored exchange (with its id)."""

    def __init__(self, inner: Any = None) -> None:
        self.inner = inner
        self.seen: list[Exchange] = []
        self._step: contextvars.ContextVar[str | None] = contextvars.ContextVar(
            f"tap-step-{id(self)}", default=None
        )

    @contextlib.contextmanager
    def step(self, label: str | None) -> Iterator[None]:
        """Record the block's exchanges as step `label` (the recorder's labelling, also without
        a recorder behind the tap)."""
        token = self._step.set(label)
        try:
            yield
        finally:
            self._step.reset(token)

    def record(self, exchange: Exchange) -> Any:
        if exchange.step is None:
            exchange = replace(exchange, step=self._step.get())
        stored = self.inner.record(exchange) if self.inner is not None else exchange
        self.seen.append(stored if isinstance(stored, Exchange) else exchange)
        return stored

    def add_secret(self, value: str, name: str = "secret") -> Any:
        add = getattr(self.inner, "add_secret", None)
        return add(value, name) if callable(add) else False


@dataclass
class StepResult:
    scenario: str
    step: str
    outcome: Outcome
    message: str = ""
    exchanges: list[Exchange] = field(default_factory=list)
    reference: str | None = None  # the scenario's payment after this step
    user: str | None = None  # the user's part this step played ("approve"...), if any
    started_at: datetime | None = None
    msn: str | None = None  # the sales unit it ran on (a run may cover several)


@dataclass
class BatteryResult:
    steps: list[StepResult] = field(default_factory=list)

    def scenario_outcome(self, scenario: str) -> Outcome:
        outcomes = {s.outcome for s in self.steps if s.scenario == scenario}
        for worst in (Outcome.FAILED, Outcome.MANUAL):
            if worst in outcomes:
                return worst
        return Outcome.PASSED

    @property
    def failed(self) -> list[StepResult]:
        return [s for s in self.steps if s.outcome is Outcome.FAILED]

    @property
    def exchanges(self) -> list[Exchange]:
        return [e for s in self.steps for e in s.exchanges]


def run_battery(
    ctx: Context, tap: Tap, scenarios: Iterable[Scenario] = SCENARIOS,
    result: BatteryResult | None = None,
) -> Iterator[Progress]:  # fmt: skip
    """Run each scenario in order on `ctx.client` (whose recorder must be `tap`).

    Collects StepResults into `result` as it goes; a failed step skips the rest of its scenario.
    """
    plan = list(scenarios)
    total = sum(len(s.steps) for s in plan)
    result = result if result is not None else BatteryResult()
    done = 0
    for scenario in plan:
        yield Progress("scenario_started", scenario.name, done=done, total=total)
        sctx = ctx.fresh(scenario.code or scenario.name.replace("_", "-"))
        blocked: Outcome | None = None
        for step in scenario.steps:
            yield Progress("step_started", scenario.name, step.name, done=done, total=total)
            started = datetime.now(UTC)
            res = _run_step(scenario, step, sctx, tap, blocked)
            res.reference, res.user, res.started_at = sctx.reference or None, step.user, started
            res.msn = ctx.client.settings.merchant_serial_number or None
            if res.outcome in (Outcome.FAILED, Outcome.MANUAL) and blocked is None:
                blocked = res.outcome
            result.steps.append(res)
            done += 1
            yield _finished(res, done, total)
        outcome = result.scenario_outcome(scenario.name)
        yield Progress("scenario_finished", scenario.name, outcome=outcome, done=done, total=total)
    overall = Outcome.FAILED if result.failed else Outcome.PASSED
    yield Progress("battery_finished", "", outcome=overall, done=done, total=total)


def _finished(res: StepResult, done: int, total: int) -> Progress:
    ids = tuple(e.id for e in res.exchanges if e.id is not None)
    refs = tuple(dict.fromkeys(e.reference for e in res.exchanges if e.reference))
    refs = refs or ((res.reference,) if res.reference else ())  # the user's part: no exchange
    return Progress("step_finished", res.scenario, res.step, res.outcome, res.message, ids, refs,
                    done, total)  # fmt: skip


def _run_step(
    scenario: Scenario, step: Step, ctx: Context, tap: Tap, blocked: Outcome | None
) -> StepResult:
    if blocked is not None:
        why = "needs the manual step before it" if blocked is Outcome.MANUAL else "a step failed"
        return StepResult(scenario.name, step.name, Outcome.SKIPPED, why)
    before = len(tap.seen)
    try:
        with tap.step(f"{scenario.name}:{step.name}"):
            seen = step.action(ctx)
    except ManualStepRequired as manual:
        return StepResult(scenario.name, step.name, Outcome.MANUAL, str(manual))
    except Exception as error:  # noqa: BLE001
        # A broken step (network, simulator down) fails this scenario, not the whole battery.
        message = f"{type(error).__name__}: {error}"
        return StepResult(scenario.name, step.name, Outcome.FAILED, message, tap.seen[before:])
    problems = step.expect.problems(seen)
    outcome = Outcome.FAILED if problems else Outcome.PASSED
    message = "; ".join(problems) or _summary(seen)
    return StepResult(scenario.name, step.name, outcome, message, tap.seen[before:])


def _summary(seen: Observed) -> str:
    if seen.message:
        return seen.message
    parts = [f"status {seen.status}"]
    if seen.error_code:
        parts.append(f"ErrorCode {seen.error_code}")
    if seen.state:
        parts.append(f"state {seen.state}")
    return ", ".join(parts)
