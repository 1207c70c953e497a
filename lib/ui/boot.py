"""Dashboard start-up: the embedded simulator (once per process) and this session's settings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import streamlit as st

from lib.recorder import DEFAULT_PATH
from lib.settings import Settings, SettingsError
from lib.ui.session import ensure_defaults, init_session
from lib.ui.webhooks import ensure_registered


@st.cache_resource(show_spinner="Starting the embedded ePayment simulator…")
def running_simulator() -> Any:
    """One simulator per process, shared by every browser session (it is stateless per user)."""
    from simulator import SimulatorConfig, SimulatorServer

    sim = SimulatorServer(SimulatorConfig(port=0))
    sim.start()
    return sim


def simulator_settings(base: Settings) -> Settings:
    sim = running_simulator()
    return base.with_simulator(sim.base_url, sim.sales_units[0])


def boot(secrets: Mapping[str, Any]) -> None:
    """Settings from secrets.toml or EPAYMENT_LAB_* (no keys: the simulator), then the session."""
    ss = st.session_state
    if "client" not in ss:
        try:
            settings = Settings.load(secrets, os.environ)
        except SettingsError as err:
            ss.settings_problem = f"{err} Using the embedded simulator instead."
            settings = Settings()
        if "sim_settings" not in ss:
            ss.sim_settings = simulator_settings(settings)
        if settings.target == "simulator":
            settings = ss.sim_settings
        db_path = os.environ.get("EPAYMENT_LAB_DB", DEFAULT_PATH)
        init_session(settings, db_path=db_path, sim_settings=ss.sim_settings)
    ensure_defaults()
    start_webhooks()


def start_webhooks() -> None:
    """On the simulator: the process's receiver, registered for this sales unit (checked once
    per session, so the status page shows webhooks without a visit to the Webhooks page)."""
    ss = st.session_state
    if ss.settings.target != "simulator" or ss.get("webhooks_checked"):
        return
    ss.webhooks_checked = True
    try:
        ss.webhooks_problem = ensure_registered(ss.settings)
    except OSError as err:  # no port for the receiver: the dashboard still works without it
        ss.webhooks_problem = f"The webhook receiver could not start: {err}"
