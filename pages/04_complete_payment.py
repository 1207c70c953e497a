"""Step 4: the customer completes the payment: redirectUrl as a link and a QR code, user actions."""

import streamlit as st

from lib.ui import session
from lib.ui.complete import customer_side, redirect_link, redirect_qr
from lib.ui.deeplink import require_entrypoint
from lib.ui.layout import step_header
from lib.ui.status import live_payment

require_entrypoint(__file__)

payment = session.current_payment()  # read here when this session has not read it yet
if step_header("complete", payment):
    ss = st.session_state
    left, right = st.columns([2, 3], gap="large")
    with left:
        redirect_qr(ss.redirect_url)
    with right:
        redirect_link(ss.redirect_url)
        # State and buttons follow the payment (landing page, phone, force approve) like step 5.
        live_payment(customer_side)
    st.page_link(
        "pages/05_payment_status.py",
        label="Watch the state change live",
        icon=":material/monitoring:",
    )
