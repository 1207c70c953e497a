"""Step 6: capture the reserved money, in full or in part (the remaining amount by default)."""

import streamlit as st

from lib.ui import session
from lib.ui.deeplink import require_entrypoint
from lib.ui.exchange import prepared, send_step, show_outcome
from lib.ui.layout import next_step, step_header
from lib.ui.money import amount_choice, amount_refused
from lib.ui.status import aggregate_metrics
from lib.wording import nothing_left

require_entrypoint(__file__)

payment = session.current_payment()  # read here when this session has not read it yet
if step_header("capture", payment):
    ss = st.session_state
    left = payment.aggregate.capturable
    aggregate_metrics(payment)
    st.markdown(f"Still reserved and not captured: **{left}**")
    amount = amount_choice("capture", left, "Everything left", "capture")
    refused = amount_refused("capture", amount, left, "capture")  # 0, negative, above what is left
    if empty := nothing_left("capture", payment.aggregate):
        st.warning(empty, icon=":material/block:")
    call = prepared(
        ss.client.prepare_capture_payment, ss.reference, amount.value,
        currency=amount.currency, idempotency_key=session.idempotency_key("capture"),
    )  # fmt: skip
    go = ":material/payments:"
    if st.button(
        "Capture",
        key="capture_go",
        type="primary",
        disabled=bool(empty) or refused or not call,
        icon=go,
    ):
        result = send_step("capture", f"Capturing {amount}…", call)
        session.refresh_payment()
        if result is not None:
            st.toast(f"Captured {amount}.", icon=":material/check_circle:")
            st.rerun()
    show_outcome("capture", call)  # before the first capture: exactly what the button sends
    next_step("capture")
