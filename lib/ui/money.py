"""Capture and refund share one amount choice: everything left, or a part of it."""

from __future__ import annotations

import streamlit as st

from lib.epayment import to_minor
from lib.epayment.models import Money


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
    amount = st.number_input(
        f"Amount to {verb} ({left.currency})",
        min_value=0.0,
        step=1.0,
        format="%.2f",
        key=key,
        disabled=full or not left,
    )
    return left if full else Money(to_minor(f"{amount:.2f}"), left.currency)
