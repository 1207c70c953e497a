"""'Tell the story': plays a whole payment with pauses and one plain sentence per step."""

from __future__ import annotations

import time

import streamlit as st

from lib.epayment import EPaymentError
from lib.epayment.models import PaymentState
from lib.simulator_control import SimulatorControl, SimulatorControlError
from lib.story import Act, StoryRun, acts
from lib.ui import session
from lib.ui.presenter import AMOUNT, PHONE, REFUND, create_payment

TICK = 1.0  # seconds between checks of the next act's pause


def now() -> float:
    """The story's clock (a test replaces it to skip the pauses)."""
    return time.time()


def the_story() -> tuple[Act, ...]:
    return acts(session.on_simulator(), AMOUNT, REFUND)


def start() -> None:
    """Button callback: a new payment told from the start."""
    session.start_over()
    st.session_state.presenter_error = None
    st.session_state.presenter_said = None
    st.session_state.presenter_story = StoryRun(0, now())


def stop() -> None:
    st.session_state.presenter_story = None


def approve() -> None:
    """On the simulator the customer's tap through its control plane; on the test environment
    force approve with the test user's phone number (it has no control plane)."""
    ss = st.session_state
    if session.on_simulator():
        SimulatorControl(ss.settings.base_url).approve(
            ss.settings.merchant_serial_number, ss.reference
        )
        return
    with ss.recorder.step("presenter"):
        ss.client.force_approve(ss.reference, phone_number=PHONE)


def perform(act: Act) -> bool:
    """Do the act; False while it must wait (the approval not seen yet)."""
    ss = st.session_state
    if act.key == "create":
        create_payment()
    elif act.key == "approve":
        approve()
    elif act.key == "wait":
        payment = session.refresh_payment("presenter")
        if payment is not None and payment.is_final and payment.state != PaymentState.AUTHORIZED:
            raise RuntimeError(f"The payment ended {payment.state}: the story stops here.")
        return payment is not None and payment.state == PaymentState.AUTHORIZED
    elif act.key in ("capture", "refund"):
        amount = ss.payment.aggregate.capturable if act.key == "capture" else REFUND
        with ss.recorder.step("presenter"):
            call = ss.client.capture_payment if act.key == "capture" else ss.client.refund_payment
            call(ss.reference, amount=amount.value)
        session.refresh_payment("presenter")
    return True


def narrator() -> None:
    """The sentence of the act at hand in large type, and the ticker that plays the acts."""
    run: StoryRun | None = st.session_state.get("presenter_story")
    story = the_story()

    @st.fragment(run_every=TICK if run is not None else None)
    def ticker() -> None:
        ss = st.session_state
        current: StoryRun | None = ss.get("presenter_story")
        if current is None:
            if ss.get("presenter_said"):
                st.markdown(f"### :material/record_voice_over: {ss.presenter_said}")
            return
        act = story[min(current.index, len(story) - 1)]
        st.markdown(f"### :material/record_voice_over: {act.sentence}")
        if not current.due(story, now()):
            return
        try:
            done = perform(act)
        except (EPaymentError, SimulatorControlError, RuntimeError) as err:
            ss.presenter_error, ss.presenter_story = str(err), None
            st.rerun()
        if done:
            after = current.advanced(now())
            ss.presenter_story = None if after.finished(story) else after
            ss.presenter_said = act.sentence  # stays on screen once the telling ends
            st.rerun()  # the whole stage shows what just happened (QR, phone, state)

    ticker()
