"""Step 7: refund captured money to the customer, in full or in part."""

import streamlit as st

from lib.epayment import to_minor
from lib.flow import format_minor, refundable
from lib.ui import session
from lib.ui.exchange import run_step, show_outcome
from lib.ui.layout import next_step, step_header
from lib.ui.status import aggregate_metrics

if step_header("refund"):
    ss = st.session_state
    currency = (ss.payment.get("amount") or {}).get("currency", "NOK")
    left = refundable(ss.payment.get("aggregate"))
    aggregate_metrics(ss.payment)
    st.markdown(f"Captured and not yet refunded: **{format_minor(left, currency)}**")
    full = (
        st.radio(
            "How much?", ["Everything captured", "Part of it"], key="refund_mode", horizontal=True
        )
        == "Everything captured"
    )
    amount = st.number_input(
        f"Amount to refund ({currency})",
        min_value=0.0,
        step=1.0,
        value=left / 100,
        format="%.2f",
        key="refund_amount",
        disabled=full,
    )
    if st.button("Refund", key="refund_go", type="primary", icon=":material/undo:"):
        minor = left if full else to_minor(f"{amount:.2f}")
        result = run_step(
            "refund",
            f"Refunding {format_minor(minor, currency)}…",
            ss.client.refund_payment,
            ss.reference,
            minor,
            currency=currency,
        )
        session.refresh_payment()
        if result is not None:
            st.toast(f"Refunded {format_minor(minor, currency)}.", icon=":material/check_circle:")
            st.rerun()
    show_outcome("refund")
    next_step("refund")
