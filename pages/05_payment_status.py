"""Step 5: poll the payment live until its state is final; aggregate amounts and event log."""

import streamlit as st

from lib.ui import session
from lib.ui.deeplink import require_entrypoint
from lib.ui.exchange import show_exchange
from lib.ui.layout import next_step, step_header
from lib.ui.status import live_status

require_entrypoint(__file__)

if step_header("status", session.current_payment()):
    ss = st.session_state
    st.markdown(f"Payment **{ss.reference}**")
    ss.poll_interval = float(
        st.columns(2)[0].slider(
            "Poll every (seconds)",
            1,
            10,
            int(ss.poll_interval),
            key="status_interval",
            help="The guidelines: start after ~5 s, then every 2 s; 120 GETs/min per reference.",
        )
    )
    live_status()
    with st.expander("The last GET, request and response"):
        gets = ss.recorder.exchanges(reference=ss.reference, operation="get_payment")
        show_exchange(gets[-1] if gets else None, key="status")
    next_step("status")
