"""Step 6: capture the reserved money, in full or in part (the remaining amount by default)."""

import streamlit as st

from lib.epayment import to_minor
from lib.flow import format_minor, remaining_capturable
from lib.ui import session
from lib.ui.exchange import run_step, show_outcome
from lib.ui.layout import next_step, step_header
from lib.ui.status import aggregate_metrics

if step_header("capture"):
    ss = st.session_state
    currency = (ss.payment.get("amount") or {}).get("currency", "NOK")
    remaining = remaining_capturable(ss.payment.get("aggregate"))
    aggregate_metrics(ss.payment)
    st.markdown(f"Still reserved and not captured: **{format_minor(remaining, currency)}**")
    full = (
        st.radio(
            "How much?", ["Everything left", "Part of it"], key="capture_mode", horizontal=True
        )
        == "Everything left"
    )
    amount = st.number_input(
        f"Amount to capture ({currency})",
        min_value=0.0,
        step=1.0,
        value=remaining / 100,
        format="%.2f",
        key="capture_amount",
        disabled=full,
    )
    if st.button("Capture", key="capture_go", type="primary", icon=":material/payments:"):
        minor = remaining if full else to_minor(f"{amount:.2f}")
        result = run_step(
            "capture",
            f"Capturing {format_minor(minor, currency)}…",
            ss.client.capture_payment,
            ss.reference,
            minor,
            currency=currency,
        )
        session.refresh_payment()
        if result is not None:
            st.toast(f"Captured {format_minor(minor, currency)}.", icon=":material/check_circle:")
            st.rerun()
    show_outcome("capture")
    next_step("capture")
