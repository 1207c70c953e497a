"""Step 4: the customer completes the payment: redirectUrl as a link and a QR code, user actions."""

import streamlit as st

from lib.ui import session
from lib.ui.complete import (
    final_state_message,
    force_approve_form,
    redirect_link,
    redirect_qr,
    simulator_user_actions,
)
from lib.ui.deeplink import require_entrypoint
from lib.ui.layout import state_badge, step_header

require_entrypoint(__file__)

payment = session.current_payment()  # read here when this session has not read it yet
if step_header("complete", payment):
    ss = st.session_state
    state_badge(payment.state)
    left, right = st.columns([2, 3])
    with left:
        redirect_qr(ss.redirect_url)
    with right:
        redirect_link(ss.redirect_url)
        if payment.is_final:
            final_state_message(payment.state)
        elif session.on_simulator():
            simulator_user_actions()
        else:
            force_approve_form()
    st.page_link(
        "pages/05_payment_status.py",
        label="Watch the state change live",
        icon=":material/monitoring:",
    )
