"""`python -m lib.qa`: the QA battery on each sales unit; webhooks awaited; pack and JUnit."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tomllib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from lib.checklist import ChecklistResult, completeness_line, evaluate, summary_lines
from lib.qa.batch import Batch, simulator_batch, test_batch
from lib.qa.junit import write_junit
from lib.qa.matrix import add_to_pack
from lib.qa.runner import Outcome, Progress
from lib.qa.scenario import Scenario
from lib.qa.scenario_file import ScenarioFileError, load_scenarios
from lib.qa.scenarios import SCENARIOS, scenario_by_name
from lib.qa.units import UnitsError, read_units_file, resolve
from lib.qa.verdict import UnitVerdict, judge
from lib.recorder import Recorder
from lib.recorder.location import evidence_location, shown
from lib.report import ReportInfo, write_evidence_pack
from lib.settings import SettingsError

EXIT_FAILED, EXIT_SETUP = 1, 2
WEBHOOK_TIMEOUT = 30.0  # seconds the run waits, at most, for the webhook deliveries due


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m lib.qa",
        description="Verify sales units: run the ePayment QA battery.",
        epilog="Exit 0: every step passed and every item the run set out to prove was shown; "
        "1: a step failed, an item was not shown or a webhook due did not arrive; 2: setup.",
    )
    add = parser.add_argument
    add("--target", choices=("simulator", "test"), default="simulator")
    add("--out", type=Path, required=True, help="directory for the evidence pack")
    add("--db", help="evidence store: a SQLite path or postgresql:// URL "
        "(default: EPAYMENT_LAB_DB, else OUT/evidence.sqlite)")  # fmt: skip
    add("--label", help="run label shown in the report (default: target + time)")
    add("--scenario", action="append", help="run only this scenario (repeatable)")
    add("--scenarios", type=Path, help="a TOML or YAML file of scenarios to run instead")
    units = parser.add_mutually_exclusive_group()
    msn_help = "a sales unit's MSN (repeatable); simulator: 123456 NOK, 123457 DKK, 123458 EUR"
    units.add_argument("--msn", action="append", default=[], help=msn_help)
    units.add_argument("--units", type=Path, help="TOML file of sales units (no secrets in it)")
    add("--junit", type=Path, help="also write JUnit XML here (one test case per step)")
    add("--no-pack", action="store_true", help="keep the log only, no evidence pack (CI)")
    wait_help = f"at most this many seconds for the webhooks due (simulator; {WEBHOOK_TIMEOUT:g})"
    add("--webhook-timeout", type=float, default=WEBHOOK_TIMEOUT, help=wait_help)
    phone = os.environ.get("EPAYMENT_LAB_TEST_PHONE")
    add("--phone", default=phone, help="test user's phone number for force approve (test)")
    add("--secrets", type=Path, default=Path(".streamlit/secrets.toml"),
        help="secrets.toml: [epayment] keys, [epayment.units.\"MSN\"] per unit")  # fmt: skip
    return parser.parse_args(argv)


def choose_scenarios(args: argparse.Namespace) -> tuple[tuple[Scenario, ...], list[Scenario]]:
    """The catalogue (the built-in battery or the user's file) and the scenarios to run."""
    catalogue = load_scenarios(args.scenarios) if args.scenarios else SCENARIOS
    chosen = [scenario_by_name(n, catalogue) for n in args.scenario or ()]
    return catalogue, chosen or list(catalogue)


@contextlib.contextmanager
def open_batch(args: argparse.Namespace, recorder: Recorder) -> Iterator[Batch]:
    wanted = read_units_file(args.units) if args.units else [{"msn": m} for m in args.msn]
    secrets = tomllib.loads(args.secrets.read_text()) if args.secrets.is_file() else {}
    if args.target == "simulator":
        # Units from a file bring their keys (the simulator then accepts those); --msn picks
        # among the simulator's own units.
        units = resolve(wanted, secrets, os.environ) if args.units else None
        with simulator_batch(recorder, args.msn, units) as batch:
            yield batch
        return
    if not args.phone:
        raise SettingsError(["a test user's phone number (--phone or EPAYMENT_LAB_TEST_PHONE)"])
    yield test_batch(recorder, args.phone, secrets, os.environ, wanted)


def print_progress(event: Progress, out: TextIO) -> None:
    if event.kind == "scenario_started":
        print(f"▶ {event.scenario}", file=out)
    elif event.kind == "step_finished":
        ids = " ".join(f"#{i}" for i in event.exchange_ids)
        mark = {"passed": "✓", "failed": "✗", "manual": "✋", "skipped": "·"}[str(event.outcome)]
        print(f"  [{event.done:>3}/{event.total}] {mark} {event.step}: {event.outcome}"
              f" — {event.message} {ids}".rstrip(), file=out)  # fmt: skip
    elif event.kind == "scenario_finished":
        print(f"  = {event.scenario}: {event.outcome}", file=out)
    out.flush()


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Exit 0 when every step passed and every item the run set out to prove was shown (and
    every webhook due arrived); 1 otherwise, saying which; 2 when it could not start."""
    args = parse_args(argv)
    label = args.label or f"QA {args.target} {datetime.now(UTC):%Y-%m-%d %H:%M}"
    try:
        catalogue, scenarios = choose_scenarios(args)
    except (KeyError, ScenarioFileError) as error:
        print(error.args[0], file=sys.stderr)
        return EXIT_SETUP
    args.out.mkdir(parents=True, exist_ok=True)
    args.db = evidence_location(args.db, args.out / "evidence.sqlite")
    recorder = Recorder.open(args.db, run_label=label)
    try:
        with open_batch(args, recorder) as batch:
            for unit_run in batch.runs:
                if len(batch.runs) > 1:
                    print(f"\n■ Sales unit {unit_run.unit.label}", file=out)
                for event in unit_run.run.progress(scenarios):
                    print_progress(event, out)
            batch.wait_for_webhooks(args.webhook_timeout)
    except (SettingsError, UnitsError) as error:
        recorder.close()
        print(f"Cannot run on {args.target}: {error}", file=sys.stderr)
        return EXIT_SETUP
    return finish(batch, recorder, args, label, catalogue, out)


def finish(batch: Batch, recorder: Recorder, args: argparse.Namespace, label: str,
           catalogue: Sequence[Scenario], out: TextIO) -> int:  # fmt: skip
    now = datetime.now(UTC)
    recorded = recorder.exchanges()
    verdicts = judge(batch, recorded, catalogue, now)
    if not args.no_pack:
        steps = [s for r in batch.runs for s in r.run.result.steps]
        info = ReportInfo(target=batch.target, label=label, generated_at=now)
        pack = write_evidence_pack(recorder, args.out, info=info, qa_steps=steps, now=now)
        add_to_pack(pack, verdicts, label=label, target=batch.target)
    recorder.close()
    if args.junit:
        runs = [(r.unit, r.run.result.steps) for r in batch.runs]
        write_junit(args.junit, runs, label=label, when=now)
    print_summary(verdicts, batch, evaluate(recorded, now=now), out)
    print(f"Evidence log: {shown(args.db)}", file=out)
    if not args.no_pack:
        print(f"Evidence pack: {pack}", file=out)
    complete = batch.deliveries is None or batch.deliveries.complete
    return 0 if complete and all(v.ok for v in verdicts) else EXIT_FAILED


def checklist_lines(result: ChecklistResult) -> list[str]:
    """The checklist for a terminal: the checklist's own summary (met and rehearsed apart)."""
    return summary_lines(result)


def print_summary(verdicts: Sequence[UnitVerdict], batch: Batch, overall: ChecklistResult,
                  out: TextIO) -> None:  # fmt: skip
    print("", file=out)
    for verdict in verdicts:
        where = f" on {verdict.unit.label}" if len(verdicts) > 1 else ""
        print(f"Scenarios{where}: {scenario_counts(verdict)}", file=out)
    if batch.deliveries is not None:
        print(f"Webhooks: {batch.deliveries.sentence()}", file=out)
    for line in checklist_lines(overall):
        print(line, file=out)
    if len(verdicts) > 1:
        for verdict in verdicts:
            print(f"  {verdict.unit.msn}: {completeness_line(verdict.checklist)}", file=out)
    for verdict in verdicts:
        for item in verdict.unproven:
            print(f"Not proven on {verdict.unit.msn}, though the run set out to: {item.item.id} "
                  f"({item.status}) — {item.hint or item.item.title}", file=out)  # fmt: skip


def scenario_counts(verdict: UnitVerdict) -> str:
    result = verdict.result
    outcomes = [result.scenario_outcome(n) for n in dict.fromkeys(s.scenario for s in result.steps)]
    counts: dict[Any, int] = {o: outcomes.count(o) for o in Outcome}
    return (f"{counts[Outcome.PASSED]} passed, {counts[Outcome.FAILED]} failed, "
            f"{counts[Outcome.MANUAL]} manual")  # fmt: skip
