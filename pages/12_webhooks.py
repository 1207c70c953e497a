"""Webhooks: register, list and delete; on the simulator a local receiver is registered for you."""

from functools import partial

import streamlit as st

from lib.epayment import EPaymentError
from lib.ui import webhook_views as views
from lib.ui import webhooks as wh
from lib.ui.deeplink import require_entrypoint
from lib.ui.exchange import run_step, show_outcome
from lib.webhooks import EPAYMENT_EVENTS, short_event

require_entrypoint(__file__)

st.title("Webhooks")
st.markdown(
    ":gray[ePayment POSTs each event (created, authorized, captured, …) to the URLs you register, "
    "signed with HMAC-SHA256. Your server verifies, answers 200 fast, and still polls: the "
    "checklist asks for both.]"
)
ss = st.session_state
local = ss.settings.target == "simulator"
views.target_note(ss.settings)
left, right = st.columns([3, 2])
url = left.text_input("URL", wh.receiver_url(ss.settings) if local else "", key="wh_url")
events = right.multiselect(
    "Events", EPAYMENT_EVENTS, EPAYMENT_EVENTS, format_func=short_event, key="wh_events"
)
if st.button("Register", key="wh_register", icon=":material/add_link:", disabled=not url):
    ours = local and wh.is_ours(url)  # then the receiver keeps the secret
    register = partial(wh.register_receiver, ss.client) if ours else ss.client.register_webhook
    if run_step("webhooks", "Registering…", register, url, events) is not None:
        st.toast("Registered.", icon=":material/check_circle:")
show_outcome("webhooks")
try:
    with ss.recorder.step("webhooks"):
        listed = (ss.client.list_webhooks().data or {}).get("webhooks", [])
except EPaymentError as err:
    listed = []
    st.error(f"Could not list the webhooks: {err}")
st.subheader("Registrations")
views.registrations_view(listed, ss.settings)
if listed:
    ids = {h["id"]: h["url"] for h in listed}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox("Delete", list(ids), format_func=ids.get, key="wh_delete_id")
    deleting = right.button("Delete", key="wh_delete", icon=":material/link_off:")
    if deleting and run_step("webhooks", "Deleting…", ss.client.delete_webhook, chosen):
        wh.forget_registration(ss.settings, chosen)
        st.rerun()
again = "Register this dashboard's receiver again"
off = local and wh.auto_registration_off(ss.settings)  # the button only while it is deleted
if off and st.button(again, key="wh_reregister", icon=":material/add_link:"):
    ss.webhooks_problem = wh.reregister(ss.client, ss.settings)
    st.rerun()
if local:
    st.subheader("Deliveries received here")
    st.caption(":material/autorenew: Live: refreshed every 2 s.")
    if st.button("Refuse the next delivery (watch the retry)", key="wh_fail_next"):
        wh.local_webhooks().receiver.fail_next(1)  # answered 500: the simulator retries in ~2 s
        st.toast("The next delivery will be answered 500.", icon=":material/error:")
    views.received_view()
