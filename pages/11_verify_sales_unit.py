"""Verify a sales unit: run the QA battery (scenarios with expected outcomes) on the target."""

import os

import streamlit as st

from lib.qa import SCENARIO_NAMES, scenario_by_name
from lib.ui import qa
from lib.ui.deeplink import require_entrypoint
from lib.ui.sidebar import TARGET_LABELS

require_entrypoint(__file__)

st.title("Verify a sales unit")
st.markdown(
    ":gray[The QA battery: complete orders, refusals, an idempotent retry and every userFlow, "
    "each step checked against the expected status, ErrorCode and state. Run it again after "
    "every change; each run is kept in the evidence log as a run of its own.]"
)
ss = st.session_state
settings = ss.settings
target = TARGET_LABELS.get(settings.target, settings.target)
st.markdown(f"**Target** &nbsp; {target} &nbsp; MSN `{settings.merchant_serial_number or '-'}`")
if settings.target == "production":
    st.warning(
        "The battery sends refusals and force approvals: run it on the simulator or the test "
        "environment (step 1, Setup), never in production."
    )
    st.stop()
chosen = st.multiselect(
    "Scenarios", SCENARIO_NAMES, default=SCENARIO_NAMES, format_func=qa.TITLES.get, key="qa_choice"
)
phone = ""
if settings.target == "simulator":
    st.caption(
        "The customer's part is played by the simulator's control plane: approve, reject, "
        "and expire, which ends a payment EXPIRED at once without moving the shared clock."
    )
else:
    st.caption(
        "Approval by force approve with a test user's phone number; rejecting and letting a "
        "payment expire need a person with the test app, so those steps are marked manual."
    )
    default_phone = os.environ.get("EPAYMENT_LAB_TEST_PHONE", "")
    phone = st.text_input("Test user's phone number", default_phone, key="qa_phone")
ready = bool(chosen) and (settings.target == "simulator" or phone.strip().isdigit())
go = ":material/play_arrow:"
if st.button("Run the battery", key="qa_run_go", type="primary", icon=go, disabled=not ready):
    run = qa.new_run(settings, ss.recorder, phone.strip())
    ss.qa_rows = qa.run_live(run, [scenario_by_name(n) for n in chosen], ss.recorder)
    ss.qa_result, ss.qa_run = run.result, ss.recorder.run_id
    st.rerun()
if ss.get("qa_result") is not None:
    st.subheader("Results of the last run")
    qa.show_result(ss.qa_result, ss.qa_rows)
    st.page_link(
        "pages/10_checklist.py", label="What it proves: the checklist", icon=":material/checklist:"
    )
