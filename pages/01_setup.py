"""Step 1: choose the target and the sales unit's keys, then check them by getting a token."""

import streamlit as st

from lib.ui.deeplink import require_entrypoint
from lib.ui.exchange import show_outcome
from lib.ui.layout import next_step, step_header
from lib.ui.postman import downloads, imported_settings
from lib.ui.setup import TARGETS, active_banner, check_keys, keys_form
from lib.ui.sidebar import TARGET_LABELS

require_entrypoint(__file__)

step_header("setup")
ss = st.session_state
if ss.get("settings_problem"):
    st.warning(ss.settings_problem)
current = ss.settings
# Production only when secrets.toml chose it: real money, writes refused unless explicitly allowed.
targets = [*TARGETS, "production"] if current.target == "production" else list(TARGETS)
target = st.radio(
    "Where do the requests go?",
    targets,
    index=targets.index(current.target) if current.target in targets else 1,
    format_func=TARGET_LABELS.get,
    horizontal=True,
    key="setup_target",
)
active_banner(target)
if target == "test":
    st.caption(
        "Keys of a test sales unit: portal.vippsmobilepay.com → For developers → Test keys. "
        "Or put them in .streamlit/secrets.toml (see secrets.toml.example) and restart."
    )
base = ss.sim_settings if target == "simulator" and ss.sim_settings else current
new = keys_form(target, base) or imported_settings(target)
if new is not None:
    check_keys(new)  # imported or typed: active only once a token proves them
if ss.get("setup_not_saved"):
    st.warning(ss.setup_not_saved, icon=":material/undo:")
elif "setup" in ss.marks:
    st.success(
        f"Keys work for MSN {ss.settings.merchant_serial_number} on {ss.settings.base_url}.",
        icon=":material/verified_user:",
    )
show_outcome("setup", ss.client.prepare_access_token())  # the call the check makes
downloads(ss.sim_settings, ss.recorder)
next_step("setup")
