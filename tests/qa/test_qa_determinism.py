"""`python -m lib.qa --target simulator` is deterministic: twenty runs, one checklist, one count
of webhook deliveries (issue 13 measured 0 to 37 deliveries over nine runs before the wait)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lib.checklist import evaluate
from lib.qa import cli
from lib.recorder import Recorder
from lib.webhooks import OPERATION as WEBHOOK_DELIVERY

RUNS = 20
DUE = re.compile(r"Webhooks: (\d+) of (\d+) webhook deliveries due were received and recorded")


def one_run(out_dir: Path) -> tuple[dict[str, str], int, int]:
    """The CLI in-process (no pack: its PDF would triple the time); what it recorded, read back."""
    printed = io.StringIO()
    code = cli.main(["--out", str(out_dir), "--no-pack", "--label", out_dir.name], out=printed)
    assert code == 0, printed.getvalue()
    due = DUE.search(printed.getvalue())
    assert due and due.group(1) == due.group(2), printed.getvalue()
    with Recorder.open(out_dir / "evidence.sqlite", run_label="read back") as recorder:
        exchanges = recorder.exchanges("all")
    checklist = evaluate(exchanges, now=datetime.now(UTC))
    statuses = {r.item.id: str(r.status) for r in checklist.items}
    deliveries = sum(e.operation == WEBHOOK_DELIVERY and e.status == 200 for e in exchanges)
    return statuses, deliveries, int(due.group(2))


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_twenty_runs_give_the_same_checklist_and_the_same_deliveries(tmp_path: Path) -> None:
    runs = [one_run(tmp_path / f"run-{i:02}") for i in range(RUNS)]
    first_statuses, first_deliveries, due = runs[0]
    assert [r[0] for r in runs] == [first_statuses] * RUNS
    assert [r[1] for r in runs] == [first_deliveries] * RUNS
    assert first_deliveries == due > 0  # every delivery due, recorded once
    assert first_statuses["Q1"] == "rehearsed"  # webhooks beside polling, on the simulator
