"""The sidebar on every page: target, sales unit, current payment, progress, start over, resume."""

from __future__ import annotations

import streamlit as st

from lib.quickstart import STEPS
from lib.ui import session
from lib.ui.layout import state_badge

TARGET_LABELS = {
    "simulator": "Embedded simulator",
    "test": "Test environment (apitest.vipps.no)",
    "production": "Production (api.vipps.no)",
    "custom": "Custom URL",
}


def render_sidebar() -> None:
    """Cheap on every rerun: session state and remembered facts, no call to the API."""
    ss = st.session_state
    settings = ss.settings
    with st.sidebar:
        st.markdown(f"**Target** &nbsp; {TARGET_LABELS.get(settings.target, settings.target)}")
        st.caption(settings.base_url)
        st.markdown(f"**Sales unit (MSN)** &nbsp; `{settings.merchant_serial_number or '-'}`")
        st.divider()
        st.markdown("**Current payment**")
        if ss.reference:
            st.code(ss.reference, language=None, wrap_lines=True)
            if ss.payment is None:
                st.caption("State not read yet: open a step that shows it.")
            else:
                state_badge(session.current_state())
        else:
            st.caption("None yet: create one in step 3.")
            last = session.last_created_reference()
            if last:
                st.button(
                    f"Resume {last}",
                    key="sb_resume_last",
                    icon=":material/history:",
                    on_click=session.resume,
                    args=(last,),
                    help="The last payment created with these keys (evidence of earlier runs).",
                )
        done = session.done()
        st.markdown("**Progress**")
        lines = [
            f"{':material/check_circle:' if s.key in done else ':material/radio_button_unchecked:'}"
            f" {s.number}. {s.title}"
            for s in STEPS
        ]
        st.markdown("  \n".join(lines))
        st.progress(len(done & {s.key for s in STEPS}) / len(STEPS))
        restart = ":material/restart_alt:"
        if st.button(
            "Start over with a new payment",
            key="sb_start_over",
            icon=restart,
            on_click=session.start_over_clicked,
        ):
            st.switch_page("pages/03_create_payment.py")
        with st.form("sb_resume", border=False):
            st.text_input("Resume a payment by reference", key="sb_resume_ref")
            st.form_submit_button(
                "Resume", key="sb_resume_go", icon=":material/history:", on_click=session.resume
            )
        if ss.get("resume_error"):
            st.error(ss.resume_error)
