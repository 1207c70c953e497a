"""Deep links: a page URL opened in a new session still goes through the entrypoint.

Streamlit runs a page file on its own when a fresh session opens its URL directly and a `pages/`
folder exists (the v1 multipage mechanism, cf. streamlit#9446): no settings, no sidebar. Each page
calls `require_entrypoint(__file__)` first; the entrypoint then sends the session back to that page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
RAN = "_entrypoint_ran"
WANTED = "_deep_link"


def require_entrypoint(page_file: str) -> None:
    """Before anything else on a page: without the entrypoint's setup, go through it."""
    if st.session_state.get(RAN):
        return
    st.session_state[WANTED] = Path(page_file).resolve().relative_to(ROOT).as_posix()
    st.switch_page("dashboard.py")


def mark_entrypoint_ran() -> None:
    st.session_state[RAN] = True


def follow_deep_link() -> None:
    """After st.navigation: open the page a deep link asked for, once."""
    wanted = st.session_state.pop(WANTED, None)
    if wanted:
        st.switch_page(wanted)
