"""The CLI says which item it set out to prove and did not, and exits non-zero; webhooks waited."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import Any

import pytest

from lib.qa import SCENARIOS, Outcome, StepResult, cli
from lib.qa import batch as batch_module
from lib.qa.runner import BatteryResult
from lib.qa.verdict import asked_items
from lib.webhooks import WebhookReceiver

CLAIMS_E3 = """\
[[scenarios]]
name = "claims_the_event_log"
proves = ["E3"]
steps = [{ do = "create" }, { do = "approve" }, { do = "get", state = "AUTHORIZED" }]
"""


def run_cli(*argv: str) -> tuple[int, str]:
    printed = io.StringIO()
    return cli.main(list(argv), out=printed), printed.getvalue()


def test_an_item_claimed_but_not_shown_fails_the_run(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(CLAIMS_E3)
    code, printed = run_cli("--out", str(tmp_path), "--scenarios", str(tmp_path / "mine.toml"))
    assert "Scenarios: 1 passed, 0 failed" in printed
    assert code == cli.EXIT_FAILED
    assert "Not proven on 123456, though the run set out to: E3 (missing)" in printed
    assert "Not proven on 123456, though the run set out to: Q1" not in printed  # webhooks came


def test_webhooks_that_never_arrive_fail_the_run_and_name_q1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The run's own receiver, told to answer every delivery 500: the simulator retries later.
    refusing = functools.partial(WebhookReceiver, fail_first=10**6)
    monkeypatch.setattr(batch_module, "WebhookReceiver", refusing)
    argv = ("--out", str(tmp_path), "--scenario", "user_flow_qr", "--webhook-timeout", "1")
    code, printed = run_cli(*argv, "--no-pack")
    assert code == cli.EXIT_FAILED
    assert "Scenarios: 1 passed, 0 failed" in printed
    missing = re.search(r"Webhooks: 0 of (\d+) webhook deliveries due .*; still missing after "
                        r"the wait: (qa-123456-flow-qr-\w+) AUTHORIZED", printed)  # fmt: skip
    assert missing and int(missing.group(1)) >= 3, printed  # CREATED, AUTHORIZED, CANCELLED
    assert "Not proven on 123456, though the run set out to: Q1 (missing)" in printed


def test_a_few_scenarios_ask_only_what_they_prove_alone(tmp_path: Path) -> None:
    code, printed = run_cli("--out", str(tmp_path), "--scenario", "refusal_wrong_keys", "--no-pack")
    assert code == 0, printed  # Q3 needs every refusal; one alone asks for nothing
    assert "Not proven" not in printed
    assert "Webhooks: 0 of 0 webhook deliveries due" in printed  # no payment, nothing due


def steps_of(outcomes: dict[str, Outcome]) -> BatteryResult:
    return BatteryResult([StepResult(name, "step", outcome) for name, outcome in outcomes.items()])


def test_asked_items__every_claimant_must_pass() -> None:
    full = steps_of({"full_capture_refund": Outcome.PASSED})
    asked = asked_items(full, SCENARIOS, webhooks=False)
    assert asked == ("E3", "Q5", "P1", "P2")  # claimed by full_capture_refund alone
    every = steps_of({s.name: Outcome.PASSED for s in SCENARIOS})
    claimed = {i for s in SCENARIOS for i in s.proves}
    assert set(asked_items(every, SCENARIOS, webhooks=False)) == claimed
    manual = steps_of(
        {s.name: Outcome.PASSED for s in SCENARIOS} | {"user_rejects": Outcome.MANUAL}
    )
    assert "Q2" not in asked_items(manual, SCENARIOS, webhooks=False)  # reject needs a person
    assert "Q2" in claimed


def test_asked_items__q1_when_a_receiver_was_registered_and_a_payment_polled(sim: Any) -> None:
    from lib.qa import from_simulator, scenario_by_name

    run = from_simulator(sim)
    result = run.run([scenario_by_name("user_flow_qr"), scenario_by_name("refusal_wrong_keys")])
    assert "Q1" in asked_items(result, SCENARIOS, webhooks=True)
    assert "Q1" not in asked_items(result, SCENARIOS, webhooks=False)
    no_poll = from_simulator(sim).run([scenario_by_name("refusal_wrong_keys")])
    assert "Q1" not in asked_items(no_poll, SCENARIOS, webhooks=True)
