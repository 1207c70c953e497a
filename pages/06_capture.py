"""Step 6: capture the reserved money, in full or in part (the remaining amount by default)."""

import streamlit as st

from lib.flow import format_minor, nothing_left, remaining_capturable
from lib.ui import session
from lib.ui.deeplink import require_entrypoint
from lib.ui.exchange import run_step, show_outcome
from lib.ui.layout import next_step, step_header
from lib.ui.money import amount_choice
from lib.ui.status import aggregate_metrics

require_entrypoint(__file__)

if step_header("capture"):
    ss = st.session_state
    currency = (ss.payment.get("amount") or {}).get("currency", "NOK")
    remaining = remaining_capturable(ss.payment.get("aggregate"))
    aggregate_metrics(ss.payment)
    st.markdown(f"Still reserved and not captured: **{format_minor(remaining, currency)}**")
    minor = amount_choice("capture", remaining, currency, "Everything left", "capture")
    if empty := nothing_left("capture", ss.payment.get("aggregate"), currency):
        st.warning(empty, icon=":material/block:")
    if st.button(
        "Capture",
        key="capture_go",
        type="primary",
        disabled=bool(empty),
        icon=":material/payments:",
    ):
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
    show_outcome("capture", {"modificationAmount": {"currency": currency, "value": minor}})
    next_step("capture")
