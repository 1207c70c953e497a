"""Your integration: point your own system at the lab; watch, grade and rehearse its bad days."""

import streamlit as st

from lib.ui import integration as ui
from lib.ui.deeplink import require_entrypoint
from lib.ui.integration_adversity import adversity_queue
from lib.ui.integration_checklist import checklist_section
from lib.ui.integration_feed import live_panel

require_entrypoint(__file__)

st.title("Your integration")
st.markdown(
    ":gray[Your own webshop, plugin or POS backend under test: point its ePayment base URL at "
    "the lab, use it as you normally would, and see every request it sends graded against the "
    "ePayment rules, with the go-live checklist evaluated on its own traffic. On the simulator "
    "you can also queue the customer's and the API's bad days and see how your code reacts.]"
)
session = ui.session_controls()
if session is None:
    st.caption("Same checks from a terminal or CI: `python -m lib.integration --target simulator`.")
    st.stop()
ui.connection(session)

st.subheader("Live: requests and findings")
live_panel(session)

st.subheader("Adversity on demand")
adversity_queue(session)

st.subheader("Checklist on your system's traffic")
checklist_section(session)
