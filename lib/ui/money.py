"""Capture and refund share one amount choice: everything left, or a part of it, checked here."""

from __future__ import annotations

import streamlit as st

from lib.epayment import to_minor
from lib.epayment.models import Money
from lib.forms import amount_problem


def amount_choice(prefix: str, left: Money, everything: str, verb: str) -> Money:
    """The radio and the amount field; the amount the button would send."""
    ss = st.session_state
    full = (
        st.radio("How much?", [everything, "Part of it"], key=f"{prefix}_mode", horizontal=True)
        == everything
    )
    key = f"{prefix}_amount"
    if full or key not in ss:
        # The (disabled) field shows what "everything" means now, never a stale earlier value.
        ss[key] = float(left.major)
    # No min_value: with one, a typed -5 stayed on screen while 0 was sent. Checked below instead.
    amount = st.number_input(
        f"Amount to {verb} ({left.currency})",
        step=1.0,
        format="%.2f",
        key=key,
        disabled=full or not left,
    )
    if full:
        return left
    minor = to_minor(f"{abs(amount):.2f}")  # to_minor refuses a sign: the check below names it
    return Money(-minor if amount < 0 else minor, left.currency)


def amount_refused(prefix: str, amount: Money, left: Money, verb: str) -> bool:
    """The local check's message; True when the button must stay off (unless sent anyway)."""
    problem = amount_problem(amount, left, verb) if left else None
    if problem is None:
        return False
    st.error(problem, icon=":material/edit:")
    anyway = st.checkbox(
        "Send even if the check fails (to see how the API refuses it)", key=f"{prefix}_send_anyway"
    )
    return not anyway
