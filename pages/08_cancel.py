"""Step 8: cancel: release what is reserved and not captured (TERMINATED before approval)."""

import streamlit as st

from lib.ui import session
from lib.ui.cancel import cancel_panel
from lib.ui.deeplink import require_entrypoint
from lib.ui.layout import step_header
from lib.ui.status import live_payment

require_entrypoint(__file__)

payment = session.current_payment()  # read here when this session has not read it yet
if step_header("cancel", payment):
    live_payment(cancel_panel)  # a payment approved or expired meanwhile shows at once
    st.page_link(
        "pages/09_request_log.py",
        label="Next: the request log (evidence)",
        icon=":material/receipt_long:",
    )
