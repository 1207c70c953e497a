"""ePayment Lab: the dashboard entrypoint. Page config, settings, shared sidebar, then the page."""

import streamlit as st

from lib.quickstart import STEP_BY_KEY
from lib.ui.boot import boot
from lib.ui.deeplink import follow_deep_link, mark_entrypoint_ran
from lib.ui.layout import guarded
from lib.ui.sidebar import render_sidebar

st.set_page_config(page_title="ePayment Lab", page_icon=":material/payments:", layout="wide")


def read_secrets() -> dict:
    """st.secrets as a dict; no secrets.toml means no keys, so the simulator is used."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:
        return {}


def step_page(key: str, default: bool = False) -> st.Page:
    step = STEP_BY_KEY[key]
    return st.Page(step.path, title=f"{step.number}. {step.title}", icon=step.icon, default=default)


if not guarded(boot, read_secrets()):
    st.stop()
mark_entrypoint_ran()
page = st.navigation(
    {
        "Get ready": [step_page("setup", default=True), step_page("token")],
        "Take a payment": [
            step_page("create"),
            step_page("complete"),
            step_page("status"),
            st.Page("pages/12_webhooks.py", title="Webhooks", icon=":material/webhook:"),
            st.Page("pages/13_presenter.py", title="Presenter view", icon=":material/co_present:"),
        ],
        "Move the money": [step_page("capture"), step_page("refund"), step_page("cancel")],
        "Evidence": [
            st.Page("pages/09_request_log.py", title="Request log", icon=":material/receipt_long:")
        ],
        "Go live": [
            st.Page("pages/10_checklist.py", title="Checklist", icon=":material/checklist:"),
            st.Page(
                "pages/11_verify_sales_unit.py",
                title="Verify a sales unit",
                icon=":material/fact_check:",
            ),
            st.Page(
                "pages/14_your_integration.py",
                title="Your integration",
                icon=":material/integration_instructions:",
            ),
        ],
    },
    expanded=True,  # every page listed: collapsed, the later ones hid behind "View more"
)
follow_deep_link()
guarded(page.run)
guarded(render_sidebar)  # after the page, so it shows what the page just did
