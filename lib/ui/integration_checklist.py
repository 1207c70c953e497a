"""Your integration's checklist: evaluated on this system's exchanges, with the evidence pack."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from lib.checklist import evaluate, warnings
from lib.integration.pack import integration_pack
from lib.integration.session import IntegrationSession
from lib.ui.checklist import completeness, item_table

PACK = "int_pack_file"


def checklist_section(session: IntegrationSession) -> None:
    """The checklist on the exchanges recorded so far (the lab's own calls are not in them)."""
    exchanges = session.exchanges()
    result = evaluate(exchanges, now=datetime.now(UTC))
    for text in warnings(result):
        st.warning(text, icon=":material/warning:")
    if session.kind != "test" and exchanges:
        st.caption(
            "Recorded on a rehearsal target: items can be rehearsed here, never met for Vipps."
        )
    completeness(result)
    item_table(result)
    if st.button("Prepare the evidence pack", key="int_pack", icon=":material/inventory_2:"):
        with st.spinner(f"Writing the report and exports of {len(exchanges)} exchanges…"):
            st.session_state[PACK] = integration_pack(
                exchanges, session.findings(), target=session.kind
            )
    if st.session_state.get(PACK):
        name, data = st.session_state[PACK]
        st.download_button(
            "Download the evidence pack (with findings.json)",
            data,
            name,
            "application/zip",
            key="int_download",
            icon=":material/download:",
            type="primary",
        )
