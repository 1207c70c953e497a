"""Verify a sales unit: the QA battery from the dashboard, live progress and the results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from lib.qa import (
    SCENARIOS,
    BatteryResult,
    Outcome,
    Progress,
    QaRun,
    Scenario,
    simulator_run,
    test_environment_run,
)
from lib.settings import Settings
from lib.ui.checklist import open_in_log, tinted

MARKS = {
    Outcome.PASSED: "pass",
    Outcome.FAILED: "fail",
    Outcome.MANUAL: "manual",
    Outcome.SKIPPED: "skipped",
}
TITLES = {s.name: s.title for s in SCENARIOS}


def new_run(settings: Settings, recorder: Any, phone_number: str = "") -> QaRun:
    """A battery run on the session's target: simulator control plane, or force approve."""
    if settings.target == "simulator":
        return simulator_run(settings, recorder=recorder)
    return test_environment_run(settings, phone_number, recorder=recorder)


def step_row(event: Progress) -> dict[str, Any]:
    return {
        "scenario": event.scenario,
        "step": event.step,
        "outcome": MARKS[event.outcome] if event.outcome else "",
        "message": event.message,
        "exchanges": " ".join(f"#{i}" for i in event.exchange_ids),
        "reference": ", ".join(event.references),
    }


def run_live(run: QaRun, scenarios: Sequence[Scenario], recorder: Any) -> list[dict[str, Any]]:
    """Run the battery in a run of its own, with a progress bar and a table growing per step."""
    recorder.start_run(f"QA {run.target} {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    rows: list[dict[str, Any]] = []
    with st.status(f"Running {len(scenarios)} scenarios on {run.target}…", expanded=True) as box:
        bar = st.progress(0.0, text="Starting…")
        live = st.empty()
        for event in run.progress(scenarios):
            if event.kind == "step_started":
                bar.progress(event.done / event.total, f"{event.scenario}: {event.step}…")
            elif event.kind == "step_finished":
                rows.append(step_row(event))
                bar.progress(event.done / event.total, f"{event.done} of {event.total} steps")
                live.dataframe(
                    tinted(pd.DataFrame(rows), "outcome"), hide_index=True, width="stretch"
                )
        failed = len(run.result.failed)
        box.update(
            label=f"Done: {failed} failed step{'s' * (failed != 1)}",
            state="error" if failed else "complete",
            expanded=False,
        )
    return rows


def scenario_table(result: BatteryResult) -> pd.DataFrame:
    names = list(dict.fromkeys(s.scenario for s in result.steps))
    rows = []
    for name in names:
        steps = [s for s in result.steps if s.scenario == name]
        passed = sum(s.outcome is Outcome.PASSED for s in steps)
        outcome = MARKS[result.scenario_outcome(name)]
        steps_passed = f"{passed} of {len(steps)}"
        rows.append(
            {
                "scenario": name,
                "what": TITLES.get(name, ""),
                "outcome": outcome,
                "steps passed": steps_passed,
            }
        )
    return pd.DataFrame(rows)


def show_result(result: BatteryResult, rows: list[dict[str, Any]]) -> None:
    """Pass/fail per scenario, every step, and a way into the request log per exchange."""
    table = scenario_table(result)
    counts = {o: sum(MARKS[o] == v for v in table["outcome"]) for o in MARKS}
    shown = (
        ("Scenarios passed", Outcome.PASSED),
        ("Failed", Outcome.FAILED),
        ("Manual", Outcome.MANUAL),
    )
    for col, (label, outcome) in zip(st.columns(len(shown)), shown, strict=True):
        col.metric(label, counts[outcome])
    st.dataframe(tinted(table, "outcome"), hide_index=True, width="stretch")
    st.markdown("**Every step**")
    st.dataframe(tinted(pd.DataFrame(rows), "outcome"), hide_index=True, width="stretch")
    labels = {x.id: f"{s.scenario}: {s.step}" for s in result.steps for x in s.exchanges if x.id}
    st.markdown("**A step's exchange in the request log**")
    open_in_log(list(labels), key="qa", labels=labels)
