"""`python -m simulator` as a subprocess: prints URL and keys, answers health, stops on TERM."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import requests

from simulator.__main__ import config_from_args, parse_args

ROOT = Path(__file__).resolve().parents[2]


def test_python_m_simulator_serves_health() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), EPAYMENT_SIM_SALES_UNITS="2")
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--port", "0", "--no-rate-limits"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", first)
        assert match, first
        lines = [first]
        while "Ctrl+C" not in lines[-1] and lines[-1]:
            lines.append(proc.stdout.readline())
        banner = "".join(lines)
        assert "123456" in banner and "123457" in banner and "Rate limits off" in banner
        assert requests.get(f"{match.group(1)}/_sim/health", timeout=5).json() == {"status": "ok"}
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_cli_arguments_build_the_config() -> None:
    config = config_from_args(
        parse_args(
            ["--host", "0.0.0.0", "--port", "0", "--expiry-seconds", "30", "--sales-units", "3"]
        )
    )
    assert config.host == "0.0.0.0" and config.port == 0 and config.rate_limits
    assert config.expiry_seconds == 30 and len(config.sales_units) == 3
    assert [u.currency for u in config.sales_units] == ["NOK", "DKK", "EUR"]
