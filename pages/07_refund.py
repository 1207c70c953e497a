"""Step 7: refund captured money to the customer, in full or in part."""

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
if step_header("refund", payment):
    ss = st.session_state
    left = payment.aggregate.refundable
    aggregate_metrics(payment)
    st.markdown(f"Captured and not yet refunded: **{left}**")
    amount = amount_choice("refund", left, "Everything captured", "refund")
    refused = amount_refused("refund", amount, left, "refund")  # 0, negative, above what is left
    if empty := nothing_left("refund", payment.aggregate):
        st.warning(empty, icon=":material/block:")
    call = prepared(
        ss.client.prepare_refund_payment, ss.reference, amount.value,
        currency=amount.currency, idempotency_key=session.idempotency_key("refund"),
    )  # fmt: skip
    go = ":material/undo:"
    if st.button(
        "Refund",
        key="refund_go",
        type="primary",
        disabled=bool(empty) or refused or not call,
        icon=go,
    ):
        result = send_step("refund", f"Refunding {amount}…", call)
        session.refresh_payment()
        if result is not None:
            st.toast(f"Refunded {amount}.", icon=":material/check_circle:")
            st.rerun()
    show_outcome("refund", call)  # before the first refund: exactly what the button sends
    next_step("refund")
