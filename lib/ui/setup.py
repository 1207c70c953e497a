"""The setup page's keys form: target, keys (secrets masked, kept when left empty), check."""

from __future__ import annotations

import streamlit as st

from lib.forms import settings_from_form
from lib.settings import Settings, SettingsError
from lib.ui import session
from lib.ui.exchange import run_step
from lib.ui.sidebar import TARGET_LABELS

TARGETS = ("simulator", "test", "custom")
KEPT = "•••••••• (kept; type to replace)"


def keys_form(target: str, base: Settings) -> Settings | None:
    """The form, prefilled from `base` when it is for `target`; the new Settings on submit."""
    same = base.target == target
    with st.form(f"setup_keys_{target}"):  # one form per target: fields never leak across
        if target == "simulator":
            st.info("The embedded simulator's sales unit: its keys are filled in for you.")
        url = st.text_input(
            "Base URL", base.base_url if same else "", key=f"setup_base_url_{target}",
            disabled=target != "custom", placeholder="https://…",
        )  # fmt: skip
        left, right = st.columns(2)
        values = {
            "base_url": url,
            "client_id": left.text_input(
                "client_id", base.client_id if same else "", key=f"setup_client_id_{target}"
            ),
            "merchant_serial_number": right.text_input(
                "Merchant-Serial-Number (MSN)", base.merchant_serial_number if same else "",
                key=f"setup_msn_{target}",
            ),
            "client_secret": left.text_input(
                "client_secret", type="password", key=f"setup_secret_{target}",
                placeholder=KEPT if same and base.client_secret else "",
            ),
            "subscription_key": right.text_input(
                "Ocp-Apim-Subscription-Key", type="password", key=f"setup_sub_key_{target}",
                placeholder=KEPT if same and base.subscription_key else "",
            ),
        }  # fmt: skip
        submitted = st.form_submit_button(
            "Save and check the keys", type="primary", key="setup_check",
            icon=":material/verified_user:",
        )  # fmt: skip
    if not submitted:
        return None
    try:
        return settings_from_form(base, target, **values)
    except SettingsError as err:
        for problem in err.problems:
            st.error(problem, icon=":material/edit:")
        return None


def check_keys(settings: Settings) -> None:
    """Prove the keys work by getting a token; only then use these settings from now on.

    A failed check puts the previous settings back: an unchecked target would only make every
    later step fail with the same connection or key error.
    """
    ss = st.session_state
    previous = (ss.settings, ss.client, ss.token, set(ss.marks))
    session.use_settings(settings)
    if run_step("setup", "Checking the keys: asking for a token…", ss.client.get_access_token):
        ss.marks.add("setup")
        ss.setup_not_saved = None
        st.toast("The keys work: a token was issued.", icon=":material/check_circle:")
        return
    ss.settings, ss.client, ss.token, ss.marks = previous
    ss.setup_not_saved = (
        "Not saved: the check failed, so the dashboard still uses "
        f"{TARGET_LABELS.get(ss.settings.target, ss.settings.target)} ({ss.settings.base_url}). "
        "Fix the fields and check again."
    )
