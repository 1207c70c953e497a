"""Shared page furniture: the step header with its prerequisite check, and the state badge."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from lib.flow import STEP_BY_KEY, STEPS, missing_step
from lib.ui import session

logger = logging.getLogger("epayment_lab.dashboard")
STATE_COLORS = {
    "CREATED": ("blue", ":material/hourglass_top:"),
    "AUTHORIZED": ("green", ":material/check_circle:"),
    "ABORTED": ("red", ":material/block:"),
    "EXPIRED": ("orange", ":material/timer_off:"),
    "TERMINATED": ("gray", ":material/cancel:"),
}


BIG_COLORS = {
    "CREATED": "#3B5BDB",
    "AUTHORIZED": "#2B8A3E",
    "ABORTED": "#C92A2A",
    "EXPIRED": "#E8590C",
    "TERMINATED": "#495057",
}


def state_badge(state: str | None) -> None:
    color, icon = STATE_COLORS.get(state or "", ("gray", ":material/help:"))
    st.badge(state or "no payment", color=color, icon=icon)


def big_state(state: str | None) -> None:
    """The state badge in heading size, for the demo screen."""
    color = BIG_COLORS.get(state or "", "#6B6B80")
    st.html(
        f"<div class='state-badge' style='display:inline-block;"
        f"background:{color};color:#fff;font-size:2rem;font-weight:700;letter-spacing:.04em;"
        f"padding:.2em .9em;border-radius:999px'>{html.escape(state or 'NO PAYMENT')}</div>"
    )


def step_header(key: str) -> bool:
    """Title and what the step does for real; False when an earlier step is missing."""
    step = STEP_BY_KEY[key]
    number = [s.key for s in STEPS].index(key) + 1
    st.title(f"{number}. {step.title}")
    st.markdown(f":gray[{step.what}]")
    ss = st.session_state
    payment = ss.get("payment")
    if ss.get("reference") and (not payment or payment.get("reference") != ss.reference):
        session.refresh_payment()  # jumped here (or resumed): read the payment first
    missing = missing_step(key, ss.get("reference"), ss.get("payment"))
    if missing is None:
        return True
    if missing.key == "complete":
        st.info("This step needs an **approved** (AUTHORIZED) payment: complete it first.")
    elif missing.key == "create" and (last := session.last_created_reference()):
        # After a browser reload the session forgot its payment; the evidence still knows it.
        st.info(
            f"This step needs **{missing.title}** first, or resume **{last}** (your last payment)."
        )
        st.button(
            f"Resume {last}", key=f"{key}_resume_last", icon=":material/history:",
            on_click=session.resume, args=(last,), type="primary",
        )  # fmt: skip
        if st.session_state.get("resume_error"):
            st.error(st.session_state.resume_error)
    else:
        st.info(f"This step needs **{missing.title}** first.")
    st.page_link(missing.path, label=f"Go to {missing.title}", icon=missing.icon)
    return False


UNEXPECTED = "Something unexpected went wrong on this page"


def guarded(call: Callable[..., Any], *args: Any) -> bool:
    """Run `call`; an unexpected error is shown in plain words (traceback to the server log).

    Streamlit's own control flow (rerun, stop, switch_page) is a BaseException and passes through.
    """
    try:
        call(*args)
    except Exception as err:  # noqa: BLE001 - the last safety net: no raw traceback on a demo screen
        logger.exception("dashboard: %s failed", getattr(call, "__qualname__", call))
        st.error(
            f"{UNEXPECTED}: {type(err).__name__}: {err}. Try again, check step 1 (Setup), or "
            "start over with a new payment (sidebar). The server console has the details.",
            icon=":material/error:",
        )
        return False
    return True


def next_step(key: str) -> None:
    """A link to the step after this one."""
    keys = [s.key for s in STEPS]
    index = keys.index(key)
    if index + 1 < len(STEPS):
        after = STEPS[index + 1]
        st.page_link(after.path, label=f"Next: {after.title}", icon=":material/arrow_forward:")
