"""The "Your integration" page (AppTest): start, a shop's request with its finding, adversity,
stop. The page's session runs a simulator of its own; the shop talks to it over real HTTP."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.integration.session import IntegrationSession
from lib.recorder import Recorder
from lib.simulator_control import SimulatorControl
from lib.ui.integration import KEY
from simulator import DEFAULT_SALES_UNIT
from tests.app.helpers import texts, unexpected
from tests.integration.shops import SloppyShop

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "14_your_integration.py")


@pytest.fixture
def page(tmp_path: Path) -> Iterator[AppTest]:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["_entrypoint_ran"] = True  # as if opened through dashboard.py
    at.session_state["recorder"] = Recorder.open(tmp_path / "evidence.sqlite", run_label="app")
    at.run()
    yield at
    session = at.session_state.get(KEY)
    if session is not None:
        session.stop()


def started(at: AppTest) -> IntegrationSession:
    at.button(key="int_start").click().run()
    assert not unexpected(at)
    session = at.session_state[KEY]
    assert isinstance(session, IntegrationSession) and not session.stopped
    return session


def frames(at: AppTest) -> str:
    return "\n".join(frame.value.to_csv() for frame in at.dataframe)


def test_before_start__targets_and_no_session(page: AppTest) -> None:
    assert not unexpected(page)
    assert page.radio(key="int_target").value == "simulator"
    assert "python -m lib.integration" in texts(page)
    assert KEY not in page.session_state


def test_start__base_url_keys_and_rehearsal_warning(page: AppTest) -> None:
    session = started(page)
    assert session.kind == "simulator"
    assert session.base_url in [c.value for c in page.code]
    assert DEFAULT_SALES_UNIT.client_secret in frames(page)
    assert "never proof for Vipps" in texts(page)


def test_a_shops_request_appears_with_its_finding(page: AppTest) -> None:
    session = started(page)
    shop = SloppyShop(session.base_url, DEFAULT_SALES_UNIT)
    shop.create("sloppy-order-4711")
    page.run()
    assert not unexpected(page)
    feed = frames(page)
    assert "sloppy-order-4711" in feed and "create_payment" in feed
    assert "headers.vipps-system (warning)" in feed  # the finding, inline on its row
    assert any("headers.vipps-system" in e.label for e in page.expander)


def test_arm_an_adversity(page: AppTest) -> None:
    session = started(page)
    page.selectbox(key="int_adv_behaviour").set_value("get_429").run()
    page.number_input(key="int_adv_count").set_value(2).run()
    page.button(key="int_adv_arm").click().run()
    assert not unexpected(page)
    armed = SimulatorControl(session.base_url).adversity()["armed"]
    assert [(a["behaviour"], a["count"]) for a in armed] == [("get_429", 2)]
    assert "get_429" in frames(page)
    page.button(key="int_adv_clear").click().run()
    assert SimulatorControl(session.base_url).adversity()["armed"] == []


def test_stop__results_stay(page: AppTest) -> None:
    session = started(page)
    SloppyShop(session.base_url, DEFAULT_SALES_UNIT).create("sloppy-order-4712")
    page.button(key="int_stop").click().run()
    assert not unexpected(page)
    assert session.stopped
    assert "sloppy-order-4712" in frames(page)
    assert page.button(key="int_start")  # ready to start again
    page.button(key="int_pack").click().run()
    assert not unexpected(page)
    name, data = page.session_state["int_pack_file"]
    with zipfile.ZipFile(io.BytesIO(data)) as pack:
        findings = json.loads(pack.read("findings.json"))
        assert "checklist.json" in pack.namelist()
    assert name.endswith(".zip")
    assert "headers.vipps-system" in {f["rule"] for f in findings}


def test_the_page_is_in_the_dashboards_navigation(app) -> None:
    at = app("pages/14_your_integration.py")  # switch_page fails for a page not registered
    assert not unexpected(at)
    assert "Your integration" in texts(at)
