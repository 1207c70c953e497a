"""Step 8: cancel: release what is reserved and not captured (TERMINATED before approval)."""

import streamlit as st

from lib.ui import session
from lib.ui.deeplink import require_entrypoint
from lib.ui.exchange import prepared, send_step, show_outcome
from lib.ui.layout import state_badge, step_header
from lib.ui.status import aggregate_metrics
from lib.wording import cancel_outlook

require_entrypoint(__file__)

payment = session.current_payment()  # read here when this session has not read it yet
if step_header("cancel", payment):
    ss = st.session_state
    state_badge(payment.state)
    aggregate_metrics(payment)
    outlook, accepted = cancel_outlook(payment)
    st.markdown(outlook)
    # A refused cancel stays one deliberate click away: seeing the API's refusal is a lesson too.
    anyway = not accepted and st.checkbox(
        "Send anyway to see the refusal", key="cancel_send_anyway"
    )
    key = session.idempotency_key("cancel")
    call = prepared(ss.client.prepare_cancel_payment, ss.reference, idempotency_key=key)
    if st.button(
        "Cancel the payment",
        key="cancel_go",
        type="primary",
        disabled=not (accepted or anyway) or not call,
        icon=":material/cancel:",
    ):
        result = send_step("cancel", "Cancelling…", call)
        session.refresh_payment()
        if result is not None:
            st.toast("Cancelled.", icon=":material/check_circle:")
            st.rerun()
    show_outcome("cancel", call)  # before the first cancel: exactly what the button sends
    st.page_link(
        "pages/09_request_log.py",
        label="Next: the request log (evidence)",
        icon=":material/receipt_long:",
    )
