"""Step 1: choose the target and the sales unit's keys, then check them by getting a token."""

import streamlit as st

from lib.flow import settings_from_form
from lib.settings import SettingsError
from lib.ui import session
from lib.ui.exchange import run_step, show_outcome
from lib.ui.layout import next_step, step_header
from lib.ui.sidebar import TARGET_LABELS

step_header("setup")
ss = st.session_state
current = ss.settings
if ss.get("settings_problem"):
    st.warning(ss.settings_problem)
targets = ["simulator", "test", "custom"]
target = st.radio(
    "Where do the requests go?",
    targets,
    index=targets.index(current.target) if current.target in targets else 1,
    format_func=TARGET_LABELS.get,
    horizontal=True,
    key="setup_target",
)
base = ss.sim_settings if target == "simulator" and ss.sim_settings else current
same = base.target == target
kept = "•••••••• (kept; type to replace)"
with st.form("setup_keys"):
    if target == "simulator":
        st.info("The embedded simulator's sales unit: its keys are filled in for you.")
    base_url = st.text_input(
        "Base URL", base.base_url if same else "", key="setup_base_url", disabled=target != "custom"
    )
    left, right = st.columns(2)
    client_id = left.text_input("client_id", base.client_id if same else "", key="setup_client_id")
    msn = right.text_input(
        "Merchant-Serial-Number (MSN)", base.merchant_serial_number if same else "", key="setup_msn"
    )
    secret = left.text_input(
        "client_secret",
        type="password",
        key="setup_secret",
        placeholder=kept if same and base.client_secret else "",
    )
    sub_key = right.text_input(
        "Ocp-Apim-Subscription-Key",
        type="password",
        key="setup_sub_key",
        placeholder=kept if same and base.subscription_key else "",
    )
    check = st.form_submit_button(
        "Save and check the keys",
        type="primary",
        key="setup_check",
        icon=":material/verified_user:",
    )
if check:
    try:
        new = settings_from_form(
            base,
            target,
            base_url=base_url,
            client_id=client_id,
            merchant_serial_number=msn,
            client_secret=secret,
            subscription_key=sub_key,
        )
    except SettingsError as err:
        for problem in err.problems:
            st.error(problem)
    else:
        session.use_settings(new)
        if run_step("setup", "Checking the keys: asking for a token…", ss.client.get_access_token):
            ss.marks.add("setup")
            st.toast("The keys work: a token was issued.", icon=":material/check_circle:")
if "setup" in ss.marks:
    st.success(f"Keys work for MSN {ss.settings.merchant_serial_number} on {ss.settings.base_url}.")
show_outcome("setup")
next_step("setup")
