"""Step 4: the customer completes the payment: redirectUrl as a link and a QR code, user actions."""

import streamlit as st

from lib.flow import simulator_act
from lib.qr import qr_png, qr_svg
from lib.ui import session
from lib.ui.exchange import run_step, show_outcome
from lib.ui.layout import state_badge, step_header

if step_header("complete"):
    ss = st.session_state
    if ss.payment is None:
        session.refresh_payment()
    state_badge(session.current_state())
    url = ss.redirect_url
    left, right = st.columns([2, 3])
    with left:
        if url:
            st.image(qr_png(url), width=420, caption="Scan with the phone's camera")
            st.download_button(
                "QR code as SVG",
                qr_svg(url),
                "redirect-qr.svg",
                "image/svg+xml",
                key="complete_qr_svg",
            )
        else:
            st.info("No redirectUrl: with PUSH_MESSAGE the app is pushed to the phone number.")
    with right:
        if url:
            st.markdown("**redirectUrl**")
            st.code(url, language=None, wrap_lines=True)
            st.link_button("Open the landing page", url, icon=":material/open_in_new:")
        if session.payment_is_final():
            st.success(f"The payment is {session.current_state()}: the customer has acted.")
        elif session.on_simulator():
            st.markdown("**Act as the customer** (simulator control plane, not the ePayment API)")
            a, r, e = st.columns(3)
            actions = {
                "approve": a.button(
                    "Approve", key="complete_approve", type="primary", icon=":material/thumb_up:"
                ),
                "reject": r.button("Reject", key="complete_reject", icon=":material/thumb_down:"),
                "expire": e.button(
                    "Let it expire", key="complete_expire", icon=":material/timer_off:"
                ),
            }
            for action in [name for name, clicked in actions.items() if clicked]:
                s = ss.settings
                problem = simulator_act(s.base_url, s.merchant_serial_number, ss.reference, action)
                if problem:
                    st.error(problem)
                else:
                    session.refresh_payment()
                    st.rerun()
        else:
            st.markdown("**Force approve** (test environment only) with a test user's phone number")
            phone = st.text_input("Test phone number", "4712345678", key="complete_phone")
            if st.button("Force approve", key="complete_force", type="primary"):
                run_step(
                    "complete",
                    "Approving as the test user…",
                    ss.client.force_approve,
                    ss.reference,
                    phone_number=phone,
                )
                session.refresh_payment()
            show_outcome("complete")
    st.page_link(
        "pages/05_payment_status.py",
        label="Watch the state change live",
        icon=":material/monitoring:",
    )
