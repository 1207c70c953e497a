"""Your integration, live: the system's requests with their findings inline, and the rule table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.integration.feed import feed_rows, rule_rows, severity_counts
from lib.integration.findings import Finding
from lib.integration.session import IntegrationSession
from lib.ui.checklist import tinted

REFRESH_SECONDS = 1.0
SEVERITY_ICONS = {"error": ":material/error:", "warning": ":material/warning:"}


def live_panel(session: IntegrationSession, interval: float = REFRESH_SECONDS) -> None:
    """A fragment that reruns only itself every `interval` s while recording; once stopped it
    shows the final results and polls no more."""

    @st.fragment(run_every=None if session.stopped else interval)
    def panel() -> None:
        exchanges, findings = session.exchanges(), session.findings()
        counts = severity_counts(findings)
        cols = st.columns(4)
        cols[0].metric("Exchanges", len(exchanges))
        cols[1].metric("Errors", counts["error"])
        cols[2].metric("Warnings", counts["warning"])
        cols[3].metric("Recording failures", session.recording_failures)
        st.markdown("**Your system's requests** (newest first, findings inline)")
        rows = feed_rows(exchanges, findings)
        if rows:
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=320)
        else:
            st.caption("Nothing yet: send your system's first request to the base URL above.")
        findings_list(findings)
        st.markdown("**Rules** (pass, finding, or not exercised yet)")
        table = pd.DataFrame(rule_rows(exchanges, findings, session.thresholds))
        st.dataframe(tinted(table, "status"), hide_index=True, width="stretch", height=600)

    panel()


def findings_list(findings: list[Finding]) -> None:
    """Each finding in plain words: what to change, and which exchanges show it."""
    for f in findings:
        where = f" on `{f.reference}`" if f.reference else ""
        ids = ", ".join(f"#{i}" for i in f.exchange_ids[:8])
        icon = SEVERITY_ICONS.get(str(f.severity), ":material/info:")
        with st.expander(f"{f.rule}{where} ({f.severity})", icon=icon):
            st.markdown(f.message)
            st.caption(f"Exchanges: {ids}" if ids else "")
