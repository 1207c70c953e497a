"""`python -m lib.integration` as a subprocess: base URL, recording until SIGTERM, exit codes."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import requests

from lib.integration.cli import EXIT_SETUP, main

REPO = Path(__file__).resolve().parents[2]


def test_cli__records_until_sigterm_and_grades(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "lib.integration",
        "--target",
        "simulator",
        "--port",
        "0",
        "--out",
        str(tmp_path),
        "--duration",
        "60",
    ]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        banner = [process.stdout.readline()]
        while banner[-1] and not banner[-1].startswith("Recording until"):
            banner.append(process.stdout.readline())
        base_url = banner[0].rsplit(" ", 1)[-1].strip()
        assert base_url.startswith("http://127.0.0.1:"), banner
        # No Merchant-Serial-Number: an error finding (exit code 1).
        answer = requests.get(f"{base_url}/epayment/v1/payments/acme-1001-1", timeout=10)
        assert answer.status_code in (400, 401, 404)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        output = "".join(banner) + process.stdout.read()
    finally:
        process.kill()
    assert process.returncode == 1, output
    assert "Sales unit" in output and "Recorded 1 exchanges; recording failures: 0." in output
    findings = json.loads((tmp_path / "findings.json").read_text())
    assert {"rule", "severity", "reference", "exchange_ids", "message"} == set(findings[0])
    assert "headers.msn" in {f["rule"] for f in findings}
    [pack] = tmp_path.glob("evidence-pack-*.zip")
    assert {"report.html", "exchanges.har", "exchanges.csv"} <= set(
        zipfile.ZipFile(pack).namelist()
    )


def test_cli__setup_errors_exit_2(tmp_path: Path) -> None:
    assert main(["--target", "production", "--out", str(tmp_path)]) == EXIT_SETUP
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for target in ("simulator", "https://127.0.0.1:9"):
            assert main(["--target", target, "--port", port, "--out", str(tmp_path)]) == EXIT_SETUP
