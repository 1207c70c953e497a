"""The go-live checklist: each item's status from the evidence log, comments, the evidence pack."""

import streamlit as st

from lib.checklist import ITEM_IDS
from lib.ui import checklist as ui
from lib.ui.deeplink import require_entrypoint

require_entrypoint(__file__)

st.title("Go-live checklist")
st.markdown(
    ":gray[The ePayment checklist, item by item, proven (or not) by the request log. Only the "
    "test environment (production for G2) meets an item; the simulator or a custom URL rehearse "
    "it. Items no log can prove are yours to confirm: add a comment. Request examples must be "
    "under a month old.]"
)
ss = st.session_state
recorder = ss.recorder
all_runs = st.radio("Evidence from", ["This run", "All runs"], key="chk_scope", horizontal=True)
result = ui.evaluate_log(recorder, ui.scope(recorder, all_runs == "All runs"))
ui.alerts(result)
ui.completeness(result)
st.caption(
    f"{result.exchange_count} exchanges evaluated; proof newer than {result.max_age_days} days "
    "counts as met, older as stale."
)
ui.item_table(result)
ui.next_steps(result)

st.subheader("One item in detail")
item_id = st.selectbox(
    "Item", ITEM_IDS, format_func=lambda i: f"{i} · {result[i].item.title}", key="chk_item"
)
ui.item_detail(result[item_id])

st.subheader("Your comments on the manual items")
st.caption("Saved with the current run; the evidence pack prints them next to the item.")
ui.manual_comments(result, recorder)

st.subheader("Evidence pack")
st.caption(
    "One zip: the report as HTML and as a PDF to attach to the checklist e-mail, the checklist, "
    "and the log as CSV, Excel, JSON, HAR."
)
ui.evidence_pack_section(result, all_runs=all_runs == "All runs")
