"""Step 8: cancel: release what is reserved and not captured (TERMINATED before approval)."""

import streamlit as st

from lib.flow import cancel_outlook
from lib.ui import session
from lib.ui.deeplink import require_entrypoint
from lib.ui.exchange import run_step, show_outcome
from lib.ui.layout import state_badge, step_header
from lib.ui.status import aggregate_metrics

require_entrypoint(__file__)

if step_header("cancel"):
    ss = st.session_state
    payment = ss.payment or {}
    currency = (payment.get("amount") or {}).get("currency", "NOK")
    state_badge(session.current_state())
    aggregate_metrics(payment)
    outlook, accepted = cancel_outlook(session.current_state(), payment.get("aggregate"), currency)
    st.markdown(outlook)
    # A refused cancel stays one deliberate click away: seeing the API's refusal is a lesson too.
    anyway = not accepted and st.checkbox(
        "Send anyway to see the refusal", key="cancel_send_anyway"
    )
    if st.button(
        "Cancel the payment",
        key="cancel_go",
        type="primary",
        disabled=not (accepted or anyway),
        icon=":material/cancel:",
    ):
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
