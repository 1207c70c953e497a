"""Shared page furniture: the step header with its prerequisite check, and the state badge."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any, Literal

import streamlit as st

from lib.epayment.models import Payment, PaymentState
from lib.progress import missing_step
from lib.quickstart import STEP_BY_KEY, step_after
from lib.ui import session

logger = logging.getLogger("epayment_lab.dashboard")
BadgeColor = Literal[
    "red", "orange", "yellow", "blue", "green", "violet", "gray", "grey", "primary"
]
# One look per state: (badge colour, icon, heading-size colour).
STATE_LOOKS: dict[PaymentState, tuple[BadgeColor, str, str]] = {
    PaymentState.CREATED: ("blue", ":material/hourglass_top:", "#3B5BDB"),
    PaymentState.AUTHORIZED: ("green", ":material/check_circle:", "#2B8A3E"),
    PaymentState.ABORTED: ("red", ":material/block:", "#C92A2A"),
    PaymentState.EXPIRED: ("orange", ":material/timer_off:", "#E8590C"),
    PaymentState.TERMINATED: ("gray", ":material/cancel:", "#495057"),
}
# Steps that show the current payment; the status page polls, so it may start without one.
SHOWS_THE_PAYMENT = ("complete", "capture", "refund", "cancel")
UNKNOWN_LOOK: tuple[BadgeColor, str, str] = ("gray", ":material/help:", "#6B6B80")


def _look(state: PaymentState | None) -> tuple[BadgeColor, str, str]:
    return STATE_LOOKS[state] if state is not None else UNKNOWN_LOOK


def state_color(state: PaymentState | None) -> str:
    """The state's colour at heading size (a CSS colour)."""
    return _look(state)[2]


def state_badge(state: PaymentState | None) -> None:
    color, icon, _ = _look(state)
    st.badge(str(state) if state else "no payment", color=color, icon=icon)


def big_state(state: PaymentState | None) -> None:
    """The state badge in heading size, for the demo screen."""
    color = _look(state)[2]
    st.html(
        f"<div class='state-badge' style='display:inline-block;max-width:100%;"
        f"box-sizing:border-box;overflow-wrap:anywhere;background:{color};color:#fff;"
        f"font-size:2rem;font-weight:700;letter-spacing:.04em;padding:.2em .9em;"
        f"border-radius:999px'>{html.escape(state or 'NO PAYMENT')}</div>"
    )


def step_header(key: str, payment: Payment | None = None) -> bool:
    """Title and what the step does for real; False when an earlier step is missing.

    Makes no call: a page that needs the payment reads it first and passes it in.
    """
    step = STEP_BY_KEY[key]
    st.title(f"{step.number}. {step.title}")
    st.markdown(f":gray[{step.what}]")
    ss = st.session_state
    missing = missing_step(key, ss.get("reference"), payment)
    if missing is None and payment is None and key in SHOWS_THE_PAYMENT:
        st.warning(
            f"Could not read payment **{ss.reference}**: {ss.get('poll_error')}. Try again, or "
            "start over with a new payment (sidebar).",
            icon=":material/sync_problem:",
        )
        return False
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
        if ss.get("resume_error"):
            st.error(ss.resume_error)
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
    after = step_after(key)
    if after is not None:
        st.page_link(after.path, label=f"Next: {after.title}", icon=":material/arrow_forward:")
