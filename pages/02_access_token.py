"""Step 2: get an access token; headers and token are shown masked, the expiry counts down."""

import time

import streamlit as st

from lib.token_view import TokenView, countdown
from lib.ui.deeplink import require_entrypoint
from lib.ui.exchange import send_step, show_outcome
from lib.ui.layout import next_step, step_header

require_entrypoint(__file__)

step_header("token")
ss = st.session_state
st.markdown(
    "`POST /accesstoken/get` with `client_id`, `client_secret` and `Ocp-Apim-Subscription-Key` "
    "as headers and an empty body. The answer's `access_token` goes into `Authorization: Bearer …`."
)
call = ss.client.prepare_access_token()  # previewed below, sent by the button
if st.button("Get an access token", key="token_get", type="primary", icon=":material/key:"):
    result = send_step("token", "Asking the Access Token API…", call)
    if result is not None:
        ss.token = TokenView.from_response(result.data, time.time())
        ss.marks.add("token")
        st.toast("Token received and cached for the next calls.", icon=":material/check_circle:")


@st.fragment(run_every=1 if ss.token else None)
def token_panel() -> None:
    token: TokenView = ss.token
    left, middle, right = st.columns([2, 1, 1])
    # Not a metric: its large type cut the masked token ("eyJ0…•••• (481 ch…").
    left.markdown("Token (masked)")
    left.code(token.masked, language=None, wrap_lines=True)
    middle.metric("Type", token.token_type)
    right.metric(
        "Expires in",
        countdown(token.expires_at - time.time()),
        help=f"expires_in = {token.expires_in} s",
    )


if ss.token:
    token_panel()
show_outcome("token", call)
next_step("token")
