"""AppTest fixtures: the dashboard on the shared simulator, state seeded to jump to a step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.epayment import EPaymentClient
from lib.recorder import Recorder
from lib.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30  # seconds per script run; generous for a loaded machine, not a timed assertion


@pytest.fixture
def settings(simulator) -> Settings:
    return Settings.for_simulator(simulator.base_url, simulator.sales_units[0])


@pytest.fixture
def client(settings: Settings, tmp_path: Path) -> EPaymentClient:
    """A client for arranging a payment before the page runs (its own evidence file)."""
    return EPaymentClient(settings, recorder=Recorder.open(tmp_path / "arrange.sqlite"))


@pytest.fixture
def app(settings: Settings, tmp_path: Path) -> Callable[..., AppTest]:
    """app(page=None, **state) -> AppTest on `page` with what the entrypoint would have set up."""

    def open_page(page: str | None = None, **state: object) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
        recorder = Recorder.open(tmp_path / "evidence.sqlite", run_label="apptest")
        at.session_state["sim_settings"] = settings
        at.session_state["settings"] = settings
        at.session_state["recorder"] = recorder
        at.session_state["client"] = EPaymentClient(settings, recorder=recorder)
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        if page is not None:
            at.switch_page(page).run()
        return at

    return open_page
