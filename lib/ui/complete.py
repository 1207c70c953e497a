"""The complete page's customer side: QR code and link, simulator user actions, force approve."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from lib.epayment.models import PaymentState
from lib.qr import qr_png, qr_svg
from lib.simulator_control import SimulatorControl, SimulatorControlError
from lib.ui import session
from lib.ui.exchange import prepared, send_step, show_outcome
from lib.ui.layout import state_badge
from lib.ui.status import polling_caption
from lib.wording import final_outcome

ACTIONS = (
    ("approve", "Approve", ":material/thumb_up:"),
    ("reject", "Reject", ":material/thumb_down:"),
    ("expire", "Let it expire", ":material/timer_off:"),
)


# The QR's widest size; a narrower column shrinks it to fit (never wider than its column).
QR_MAX_PX = 440


def redirect_qr(url: str | None, *, max_px: int = QR_MAX_PX, download: bool = True) -> None:
    """The QR at most `max_px` wide and never wider than its column, so nothing beside it is
    drawn over a finder square; the PNG carries its own white quiet zone (4 modules)."""
    if not url:
        st.info("No redirectUrl: with PUSH_MESSAGE the app is pushed to the phone number.")
        return
    with st.container(width=max_px, key="complete_qr"):
        st.image(qr_png(url), width="stretch", caption="Scan with the phone's camera")
    if not download:
        return
    st.download_button(
        "QR code as SVG", qr_svg(url), "redirect-qr.svg", "image/svg+xml", key="complete_qr_svg"
    )


def redirect_link(url: str | None) -> None:
    if url:
        st.markdown("**redirectUrl**: send the customer here, unmodified (never in an iframe)")
        st.code(url, language=None, wrap_lines=True)
        st.link_button("Open the landing page", url, icon=":material/open_in_new:")


def final_state_message(state: PaymentState | None) -> None:
    """One message per final state: only AUTHORIZED is a success for the shop."""
    outcome = final_outcome(state)
    if outcome is not None:
        kind, text = outcome
        {"success": st.success, "warning": st.warning, "info": st.info}[kind](text)


def customer_side(polling: bool) -> None:
    """The state and what the customer can still do, as the live panel redraws it."""
    payment = st.session_state.payment
    state_badge(payment.state if payment is not None else None)
    polling_caption(polling)
    if payment is not None and payment.is_final:
        final_state_message(payment.state)
    elif session.on_simulator():
        simulator_user_actions()
    else:
        force_approve_form()


def simulator_user_actions() -> None:
    """Buttons acting as the customer through the simulator's control plane."""
    ss = st.session_state
    st.markdown("**Act as the customer** (simulator control plane, not the ePayment API)")
    for column, (action, label, icon) in zip(st.columns(3), ACTIONS, strict=True):
        kind: Literal["primary", "secondary"] = "primary" if action == "approve" else "secondary"
        if column.button(label, key=f"complete_{action}", type=kind, icon=icon):
            control = SimulatorControl(ss.settings.base_url)
            try:
                control.act(ss.settings.merchant_serial_number, ss.reference, action)
            except SimulatorControlError as err:
                st.error(str(err))
                return
            session.refresh_payment()
            st.rerun()


def force_approve_form() -> None:
    """Test environment: approve as a test user (the test user must exist in the MT app)."""
    ss = st.session_state
    st.markdown("**Force approve** (test environment only) with a test user's phone number")
    phone = st.text_input("Test phone number", "4712345678", key="complete_phone")
    call = prepared(ss.client.prepare_force_approve, ss.reference, phone_number=phone.strip())
    go = st.button("Force approve", key="complete_force", type="primary", disabled=call is None)
    if go and call is not None:
        send_step("complete", "Approving as the test user…", call)
        session.refresh_payment()
    show_outcome("complete", call)
