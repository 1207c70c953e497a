"""Step 8: cancel: release what is reserved and not captured (TERMINATED before approval)."""

import streamlit as st

from lib.flow import format_minor, remaining_capturable
from lib.ui import session
from lib.ui.exchange import run_step, show_outcome
from lib.ui.layout import state_badge, step_header
from lib.ui.status import aggregate_metrics

if step_header("cancel"):
    ss = st.session_state
    payment = ss.payment or {}
    currency = (payment.get("amount") or {}).get("currency", "NOK")
    state_badge(session.current_state())
    aggregate_metrics(payment)
    if session.current_state() == "CREATED":
        st.markdown("Not approved yet: cancelling ends the payment as **TERMINATED**.")
    elif not (left := remaining_capturable(payment.get("aggregate"))):
        st.markdown("Nothing left to release: everything is captured or cancelled.")
    else:
        st.markdown(
            f"Cancelling releases everything not captured: **{format_minor(left, currency)}**"
            " (always the whole remainder, never a chosen amount)."
        )
    if st.button("Cancel the payment", key="cancel_go", type="primary", icon=":material/cancel:"):
        result = run_step("cancel", "Cancelling…", ss.client.cancel_payment, ss.reference)
        session.refresh_payment()
        if result is not None:
            st.toast("Cancelled.", icon=":material/check_circle:")
            st.rerun()
    show_outcome("cancel")
    st.page_link(
        "pages/09_request_log.py",
        label="Next: the request log (evidence)",
        icon=":material/receipt_long:",
    )
