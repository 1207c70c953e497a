"""Step 7: refund captured money to the customer, in full or in part."""

import streamlit as st

from lib.flow import format_minor, nothing_left, refundable
from lib.ui import session
from lib.ui.deeplink import require_entrypoint
from lib.ui.exchange import run_step, show_outcome
from lib.ui.layout import next_step, step_header
from lib.ui.money import amount_choice
from lib.ui.status import aggregate_metrics

require_entrypoint(__file__)

if step_header("refund"):
    ss = st.session_state
    currency = (ss.payment.get("amount") or {}).get("currency", "NOK")
    left = refundable(ss.payment.get("aggregate"))
    aggregate_metrics(ss.payment)
    st.markdown(f"Captured and not yet refunded: **{format_minor(left, currency)}**")
    minor = amount_choice("refund", left, currency, "Everything captured", "refund")
    if empty := nothing_left("refund", ss.payment.get("aggregate"), currency):
        st.warning(empty, icon=":material/block:")
    if st.button(
        "Refund", key="refund_go", type="primary", disabled=bool(empty), icon=":material/undo:"
    ):
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
    show_outcome("refund", {"modificationAmount": {"currency": currency, "value": minor}})
    next_step("refund")
