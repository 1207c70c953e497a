"""Step 3: create a payment from a form prefilled like the quick start, checked before sending."""

import streamlit as st

from lib.forms import CURRENCIES, REFERENCE_HELP, USER_FLOWS, CreateForm, check_create
from lib.ui.create import create_call, prepare_reference, submit_create
from lib.ui.deeplink import require_entrypoint
from lib.ui.exchange import show_outcome
from lib.ui.layout import next_step, step_header

require_entrypoint(__file__)

step_header("create")
ss = st.session_state
prepare_reference()
with st.form("create_form"):
    left, middle, right = st.columns([2, 1, 2])
    amount = left.text_input("Amount (kroner)", "10.00", key="create_amount")
    currency = middle.selectbox("Currency", CURRENCIES, key="create_currency")
    phone = right.text_input(
        "Phone number",
        "4712345678",
        key="create_phone",
        help="Prefills the landing page; needed for PUSH_MESSAGE.",
    )
    reference = left.text_input(
        "Reference (unique per sales unit)", key="create_reference", help=REFERENCE_HELP
    )
    flow = middle.selectbox("userFlow", USER_FLOWS, key="create_user_flow")
    return_url = right.text_input(
        "returnUrl", "https://example.com/return", key="create_return_url"
    )
    description = st.text_input(
        "Description (shown in the app)", "ePayment Lab quick start", key="create_description"
    )
    anyway = st.checkbox(
        "Send even if the check fails (to see how the API refuses it)", key="create_send_anyway"
    )
    submitted = st.form_submit_button(
        "Create the payment", type="primary", key="create_go", icon=":material/add_card:"
    )
check = check_create(CreateForm(amount, currency, phone, reference, return_url, flow, description))
call = create_call(check)  # previewed below, sent by the button: never two different requests
if submitted:
    submit_create(check, call, anyway)
for message in ss.create_errors.values():
    st.error(message, icon=":material/edit:")
if ss.reference and not ss.create_errors:
    st.success(f"Current payment: **{ss.reference}**. Next, the customer completes it.")
show_outcome("create", call)
next_step("create")
