"""Your integration: start and stop this session's recording, and where to point the system."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from lib.integration.session import IntegrationSession
from lib.recorder import DEFAULT_PATH, Store, default_location, open_store

KEY = "int_session"
TARGETS = {
    "simulator": "The lab's simulator (adversity on demand, webhook checks)",
    "test": "Test environment (apitest.vipps.no), through the recording proxy",
    "url": "Another URL, through the recording proxy",
}
REHEARSAL = (
    "Evidence from the simulator or a custom URL is a **rehearsal, never proof for Vipps**: it "
    "shows what your code does before a reviewer does. Only exchanges with the test "
    "environment count for the checklist."
)


def evidence_store() -> Store:
    """The dashboard's evidence store (the request log shows these runs too), or the default."""
    recorder = st.session_state.get("recorder")
    store = getattr(recorder, "store", None)
    return store if store is not None else open_store(default_location(DEFAULT_PATH))


def start(target: str, url: str, port: int) -> IntegrationSession:
    """Raises ValueError (a bad URL), OSError or RuntimeError (the port or upstream)."""
    if target == "url":
        target = url.strip()
        if not target.startswith(("http://", "https://")):
            raise ValueError("the upstream must be an http(s) URL")
    return IntegrationSession(target, store=evidence_store(), port=port).start()


def session_controls() -> IntegrationSession | None:
    """Start/stop; returns the running session, the last stopped one (results), or None."""
    ss = st.session_state
    session: IntegrationSession | None = ss.get(KEY)
    if session is not None and not session.stopped:
        st.success(
            f"Recording on the **{session.kind}** target.", icon=":material/radio_button_checked:"
        )
        if st.button("Stop recording", key="int_stop", icon=":material/stop_circle:"):
            with st.spinner("Probing webhook endpoints and reading the last deliveries…"):
                session.stop()
            st.rerun()
        return session
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    target = left.radio("Target", list(TARGETS), format_func=TARGETS.get, key="int_target")
    port = right.number_input(
        "Port on 127.0.0.1", 0, 65535, 0, key="int_port", help="0: any free port"
    )
    url = st.text_input("Upstream URL", key="int_url") if target == "url" else ""
    if st.button("Start recording", key="int_start", type="primary", icon=":material/play_arrow:"):
        try:
            ss[KEY] = start(str(target), url, int(port))
        except (OSError, RuntimeError, ValueError) as error:
            st.error(f"Could not start on {target}: {error}", icon=":material/error:")
            return session
        st.rerun()
    if session is not None:
        st.caption("Stopped. The results of the last recording stay below until you start again.")
    return session


def connection(session: IntegrationSession) -> None:
    """The base URL to use (st.code has a copy button) and, on the simulator, its keys."""
    if session.stopped:
        return
    st.markdown("**Base URL**: use it in your system instead of `https://apitest.vipps.no`")
    st.code(session.base_url, language=None)
    if session.kind == "simulator":
        st.markdown("**Sales units** (test keys of this simulator only)")
        st.dataframe(pd.DataFrame(unit_rows(session.sales_units)), hide_index=True)
        st.caption(
            f"The same base URL serves the control plane for your test scripts: "
            f"`{session.base_url}/_sim/` (approve, reject, clock, faults, adversity)."
        )
    else:
        st.caption(f"Forwarded unchanged to {session.upstream} over verified TLS, and recorded.")
    if session.kind != "test":
        st.warning(REHEARSAL, icon=":material/theater_comedy:")


def unit_rows(units: list[Any]) -> list[dict[str, str]]:
    return [
        {
            "name": u.name,
            "currency": u.currency,
            "Merchant-Serial-Number": u.merchant_serial_number,
            "client_id": u.client_id,
            "client_secret": u.client_secret,
            "Ocp-Apim-Subscription-Key": u.subscription_key,
        }
        for u in units
    ]
