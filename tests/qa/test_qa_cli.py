"""`python -m lib.qa` end to end on the embedded simulator; the evidence pack parsed back."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lib.checklist import ITEM_IDS

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("epayment-lab-demo-secret", "0123456789abcdef0123456789abcdef", "wrong-secret-")


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("qa-out")
    args = [sys.executable, "-m", "lib.qa", "--target", "simulator", "--out", str(out)]
    done = subprocess.run(
        [*args, "--label", "cli test"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    return done, out


@pytest.fixture(scope="module")
def pack(cli_run) -> zipfile.ZipFile:
    _, out = cli_run
    (zip_path,) = out.glob("evidence-pack-*.zip")
    return zipfile.ZipFile(zip_path)


def test_cli__simulator_battery_exits_zero_with_progress(cli_run) -> None:
    done, _ = cli_run
    assert done.returncode == 0, done.stdout + done.stderr
    assert "▶ full_capture_refund" in done.stdout
    assert "16 passed, 0 failed" in done.stdout
    # Every webhook due was waited for, and the summary says it is a rehearsal.
    due = re.search(r"Webhooks: (\d+) of (\d+) webhook deliveries due were received", done.stdout)
    assert due and due.group(1) == due.group(2) and int(due.group(1)) > 0, done.stdout
    assert "rehearsed on the simulator" in done.stdout
    assert "It is not evidence for Vipps" in done.stdout
    assert "Not proven" not in done.stdout


def test_cli__pack_holds_report_and_log_formats(pack) -> None:
    names = set(pack.namelist())
    assert {"report.html", "exchanges.csv", "exchanges.xlsx", "exchanges.json"} <= names
    assert {"exchanges.har", "checklist.json", "qa-results.json"} <= names
    assert {"units.html", "units.csv", "checklist-123456.json"} <= names  # the unit matrix


def test_cli__log_files_parse_back(pack) -> None:
    csv = pd.read_csv(io.BytesIO(pack.read("exchanges.csv")))
    records = json.loads(pack.read("exchanges.json"))
    sheet = openpyxl.load_workbook(io.BytesIO(pack.read("exchanges.xlsx")), read_only=True)
    rows = list(sheet["exchanges"].iter_rows(values_only=True))
    har = json.loads(pack.read("exchanges.har"))
    assert len(csv) == len(records) == len(rows) - 1 == len(har["log"]["entries"]) > 40
    assert "capture_payment" in set(csv["operation"])
    assert har["log"]["version"] == "1.2"
    entry = har["log"]["entries"][0]
    assert {"startedDateTime", "request", "response", "time"} <= set(entry)
    assert any(r["step"] == "full_capture_refund:capture-all" for r in records)


def test_cli__report_has_every_item_and_no_secret(pack) -> None:
    html = pack.read("report.html").decode()
    for item_id in ITEM_IDS:
        assert f'id="item-{item_id}"' in html
    assert "123456" in html  # the sales unit's MSN
    assert "<i>user approve</i>" in html and "<i>user reject</i>" in html  # the user's part
    for name in pack.namelist():
        text = pack.read(name).decode("utf-8", errors="ignore")
        assert not [s for s in SECRETS if s in text], name


def test_cli__checklist_json_matches_the_run(pack) -> None:
    rows = {r["id"]: r for r in json.loads(pack.read("checklist.json"))}
    assert list(rows) == list(ITEM_IDS)
    # Shown, but on the simulator: rehearsed, never met (evidence for Vipps).
    assert rows["E5"]["status"] == "rehearsed" and rows["E5"]["references"]
    assert rows["Q1"]["status"] == "rehearsed" and rows["Q1"]["references"]  # webhooks + polling


def test_cli__unknown_scenario_is_refused(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lib.qa", "--out", str(tmp_path), "--scenario", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "no scenario 'nope'" in done.stderr


def test_cli__test_target_without_phone_is_a_setup_error(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPAYMENT_LAB_")}
    done = subprocess.run(
        [sys.executable, "-m", "lib.qa", "--target", "test", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 2 and "phone number" in done.stderr


def test_cli__a_failed_step_exits_non_zero(tmp_path, monkeypatch) -> None:
    from lib.qa import Scenario, cli
    from lib.qa.steps import create, get

    broken = Scenario("broken", "expects the wrong state", (create(), get("AUTHORIZED")))
    monkeypatch.setattr(cli, "SCENARIOS", (broken,))
    out = io.StringIO()
    assert cli.main(["--out", str(tmp_path)], out=out) == 1
    assert "✗ get-authorized: failed — state CREATED, expected AUTHORIZED" in out.getvalue()
    assert "0 passed, 1 failed" in out.getvalue()
    assert list(tmp_path.glob("evidence-pack-*.zip"))  # the evidence is written all the same
