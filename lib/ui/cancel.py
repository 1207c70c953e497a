"""The cancel page's panel: state, amounts, what cancelling would do, and the button, kept live."""

from __future__ import annotations

import streamlit as st

from lib.ui import session
from lib.ui.exchange import prepared, send_step, show_outcome
from lib.ui.layout import state_badge
from lib.ui.status import aggregate_metrics, polling_caption
from lib.wording import cancel_outlook


def cancel_panel(polling: bool) -> None:
    """Redrawn by the live fragment: a payment approved or expired meanwhile changes the outlook."""
    ss = st.session_state
    payment = ss.payment
    if payment is None:  # the last poll failed: step_header said why before
        return
    state_badge(payment.state)
    polling_caption(polling)
    aggregate_metrics(payment)
    outlook, accepted = cancel_outlook(payment)
    st.markdown(outlook)
    # A refused cancel stays one deliberate click away: seeing the API's refusal is a lesson too.
    anyway = not accepted and st.checkbox(
        "Send anyway to see the refusal", key="cancel_send_anyway"
    )
    key = session.idempotency_key("cancel")
    call = prepared(ss.client.prepare_cancel_payment, ss.reference, idempotency_key=key)
    clicked = st.button(
        "Cancel the payment",
        key="cancel_go",
        type="primary",
        disabled=not (accepted or anyway) or not call,
        icon=":material/cancel:",
    )
    if clicked and call is not None:
        result = send_step("cancel", "Cancelling…", call)
        session.refresh_payment()
        if result is not None:
            st.toast("Cancelled.", icon=":material/check_circle:")
        st.rerun()  # the whole page (and the sidebar) shows the new state
    show_outcome("cancel", call)  # before the first cancel: exactly what the button sends
