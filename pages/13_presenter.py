"""The presenter view: one screen for an audience, a payment told live without developer detail."""

import streamlit as st

from lib.ui import presenter, session, story_player
from lib.ui.deeplink import require_entrypoint

require_entrypoint(__file__)

ss = st.session_state
st.html(presenter.STYLE)
payment = session.current_payment()
telling = ss.get("presenter_story") is not None
with st.container(key="presenter"):
    presenter.headline(payment)
    tell, new, leave = st.columns([2, 2, 1], vertical_alignment="center")
    tell.button(
        "Tell the story", key="presenter_tell", type="primary", icon=":material/play_circle:",
        on_click=story_player.start, disabled=telling, width="stretch",
    )  # fmt: skip
    if telling:
        new.button("Stop the story", key="presenter_stop", on_click=story_player.stop)
    else:
        new.button(
            "New payment", key="presenter_new", icon=":material/add_card:",
            on_click=presenter.new_payment, width="stretch",
        )  # fmt: skip
    leave.page_link("pages/01_setup.py", label="Leave", icon=":material/close_fullscreen:")
    story_player.narrator()
    if ss.get("presenter_error"):
        st.error(ss.presenter_error, icon=":material/error:")
    if ss.reference:
        presenter.stage()
    else:
        st.markdown("Press **Tell the story** to play a whole payment, or **New payment**.")
