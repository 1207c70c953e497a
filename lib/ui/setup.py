"""The setup page's keys form: target, keys (secrets masked, kept when left empty), check."""

from __future__ import annotations

import streamlit as st

from lib.epayment import EPaymentClient
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

    The check runs on a client of its own: nothing of the new settings is active before the
    token arrives, so a click elsewhere that interrupts the check (Streamlit stops the run at
    its next element) leaves the previous, checked settings in place, never unchecked ones.
    """
    ss = st.session_state
    for secret in settings.secrets:  # the check's own exchange is redacted too
        ss.recorder.add_secret(secret)
    candidate = EPaymentClient(settings, recorder=ss.recorder)
    label = "Checking the keys: asking for a token…"
    if run_step("setup", label, candidate.get_access_token) is None:
        still = active_target(ss.settings)
        ss.setup_not_saved = (
            f"Not saved: the check failed, so the dashboard still uses {still}. "
            "Fix the fields and check again."
        )
        return
    session.use_settings(settings, client=candidate)  # the token it got stays cached
    ss.marks.add("setup")
    ss.setup_not_saved = None
    st.toast("The keys work: a token was issued.", icon=":material/check_circle:")


def active_target(settings: Settings) -> str:
    """'Embedded simulator (http://127.0.0.1:5000), MSN 123456': what every call uses now."""
    label = TARGET_LABELS.get(settings.target, settings.target)
    return f"{label} ({settings.base_url}), MSN {settings.merchant_serial_number or '-'}"


def active_banner(chosen: str) -> None:
    """What is active, always; and that choosing another target changes nothing yet."""
    ss = st.session_state
    st.info(f"**Active now**: {active_target(ss.settings)}", icon=":material/radio_button_checked:")
    if chosen != ss.settings.target:
        st.caption(
            f"{TARGET_LABELS.get(chosen, chosen)} becomes active only when its keys pass the "
            "check below; until then every call goes to the active target above."
        )
