"""`python -m lib.qa`: run the QA battery on the simulator or test environment; write the pack."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import tomllib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from lib.checklist import Status, evaluate
from lib.qa.runner import Outcome, Progress
from lib.qa.scenarios import SCENARIOS, scenario_by_name
from lib.qa.session import QaRun, from_simulator, test_environment_run
from lib.recorder import Recorder
from lib.report import ReportInfo, write_evidence_pack
from lib.settings import Settings, SettingsError
from lib.webhooks import WebhookReceiver, register_receiver

EXIT_FAILED, EXIT_SETUP = 1, 2
WEBHOOK_WAIT_SECONDS = 10.0  # upper bound for the last deliveries after the battery ends


def wait_for_quiet(receiver: WebhookReceiver, settle: float = 0.5) -> None:
    """Wait until deliveries stop arriving (bounded): they run apart from the API calls."""
    deadline = time.monotonic() + WEBHOOK_WAIT_SECONDS
    seen = -1
    while time.monotonic() < deadline and len(receiver.deliveries()) != seen:
        seen = len(receiver.deliveries())
        time.sleep(settle)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m lib.qa", description="Verify a sales unit: run the ePayment QA battery."
    )
    parser.add_argument("--target", choices=("simulator", "test"), default="simulator")
    parser.add_argument("--out", type=Path, required=True, help="directory for the evidence pack")
    parser.add_argument("--label", help="run label shown in the report (default: target + time)")
    parser.add_argument("--scenario", action="append", help="run only this scenario (repeatable)")
    phone_help = "test user's phone number for force approve (target test)"
    parser.add_argument(
        "--phone", default=os.environ.get("EPAYMENT_LAB_TEST_PHONE"), help=phone_help
    )
    parser.add_argument("--secrets", type=Path, default=Path(".streamlit/secrets.toml"),
                        help="secrets.toml with an [epayment] table (target test)")  # fmt: skip
    return parser.parse_args(argv)


@contextlib.contextmanager
def open_run(args: argparse.Namespace, recorder: Recorder) -> Iterator[QaRun]:
    if args.target == "simulator":
        # Imported here: the simulator is only needed for this target.
        from simulator import SimulatorConfig, SimulatorServer

        config = SimulatorConfig(port=0, rate_limits=False)
        with SimulatorServer(config) as sim, WebhookReceiver(recorder=recorder) as receiver:
            run = from_simulator(sim, recorder=recorder)
            # Webhooks beside polling (checklist Q1): every delivery is verified and recorded.
            register_receiver(run.client, receiver)
            yield run
            wait_for_quiet(receiver)
        return
    if not args.phone:
        raise SettingsError(["a test user's phone number (--phone or EPAYMENT_LAB_TEST_PHONE)"])
    secrets = tomllib.loads(args.secrets.read_text()) if args.secrets.is_file() else {}
    settings = Settings.load(secrets, os.environ, target="test")
    yield test_environment_run(settings, args.phone, recorder=recorder)


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
    args = parse_args(argv)
    started = datetime.now(UTC)
    label = args.label or f"QA {args.target} {started:%Y-%m-%d %H:%M}"
    try:
        scenarios = [scenario_by_name(n) for n in args.scenario] if args.scenario else SCENARIOS
    except KeyError as error:
        print(error.args[0], file=sys.stderr)
        return EXIT_SETUP
    args.out.mkdir(parents=True, exist_ok=True)
    recorder = Recorder.open(args.out / "evidence.sqlite", run_label=label)
    try:
        with open_run(args, recorder) as run:
            for event in run.progress(scenarios):
                print_progress(event, out)
    except SettingsError as error:
        recorder.close()
        print(f"Cannot run on {args.target}: {error}", file=sys.stderr)
        return EXIT_SETUP
    return finish(run, recorder, args, label, out)


def finish(run: QaRun, recorder: Recorder, args: argparse.Namespace, label: str,
           out: TextIO) -> int:  # fmt: skip
    now = datetime.now(UTC)
    info = ReportInfo(target=run.target, label=label, generated_at=now)
    pack = write_evidence_pack(recorder, args.out, info=info, qa_steps=run.result.steps, now=now)
    checklist = evaluate(recorder.exchanges(), now=now)
    recorder.close()
    names = dict.fromkeys(step.scenario for step in run.result.steps)
    outcomes = [run.result.scenario_outcome(name) for name in names]
    counts = {o: outcomes.count(o) for o in (Outcome.PASSED, Outcome.FAILED, Outcome.MANUAL)}
    print(f"\nScenarios: {counts[Outcome.PASSED]} passed, {counts[Outcome.FAILED]} failed, "
          f"{counts[Outcome.MANUAL]} manual", file=out)  # fmt: skip
    missing = [r.item.id for r in checklist.automatic if r.status is not Status.MET]
    print(f"Checklist: {checklist.completeness:.0%} of automatic items met; not met: "
          f"{', '.join(missing) or 'none'}", file=out)  # fmt: skip
    print(f"Evidence pack: {pack}", file=out)
    return EXIT_FAILED if run.result.failed else 0
