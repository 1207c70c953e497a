"""newman (pinned, installed by `make test` into .venv/node) and a simulator without rate limits."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator import SimulatorConfig, SimulatorServer

ROOT = Path(__file__).resolve().parents[2]
NEWMAN = Path(os.environ.get("EPAYMENT_LAB_NEWMAN", ROOT / ".venv/node/node_modules/.bin/newman"))


@pytest.fixture(scope="module")
def newman() -> Callable[..., dict[str, Any]]:
    """Runs newman on a collection and environment; returns its JSON report's `run`."""
    if not NEWMAN.exists():
        if os.environ.get("EPAYMENT_LAB_REQUIRE_NEWMAN") == "1":
            pytest.fail(f"newman is missing at {NEWMAN}: `make test` installs it (make newman).")
        pytest.skip(f"newman is not installed at {NEWMAN}; `make newman` installs it")

    def run(collection: dict, environment: dict, tmp: Path) -> dict[str, Any]:
        (tmp / "c.json").write_text(json.dumps(collection))
        (tmp / "e.json").write_text(json.dumps(environment))
        report = tmp / "report.json"
        subprocess.run(
            [str(NEWMAN), "run", str(tmp / "c.json"), "-e", str(tmp / "e.json"),
             "--reporters", "json", "--reporter-json-export", str(report), "--timeout", "60000"],
            check=False, capture_output=True, timeout=120,
        )  # fmt: skip
        return json.loads(report.read_text())["run"]

    return run


@pytest.fixture(scope="module")
def postman_sim() -> Iterator[SimulatorServer]:
    # Rate limits off: a collection run sends more than 5 writes a minute.
    with SimulatorServer(SimulatorConfig(port=0, rate_limits=False)) as sim:
        yield sim
