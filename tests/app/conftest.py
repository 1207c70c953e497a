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


@pytest.fixture
def auto_reruns(monkeypatch: pytest.MonkeyPatch) -> list[list[float]]:
    """Per finished run, the run_every intervals its fragments registered (as the browser gets
    them: the last full run's list is what keeps polling). AppTest has no view of them."""
    from streamlit.testing.v1 import local_script_runner

    seen: list[list[float]] = []
    parse = local_script_runner.parse_tree_from_messages

    def parse_and_note(messages: list, *args: object, **kwargs: object) -> object:
        seen.append([m.auto_rerun.interval for m in messages if m.HasField("auto_rerun")])
        return parse(messages, *args, **kwargs)

    monkeypatch.setattr(local_script_runner, "parse_tree_from_messages", parse_and_note)
    return seen
