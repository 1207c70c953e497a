"""The create page's submit: send the form once per reference, then offer a fresh reference."""

from __future__ import annotations

import streamlit as st

from lib.epayment import new_reference
from lib.flow import CreateForm, check_create, problem_field_errors, reused_reference_message
from lib.ui import session
from lib.ui.exchange import run_step


def prepare_reference() -> None:
    """Before the form exists: a first reference, or the next one after a create (a widget's
    value can only be set before the widget is drawn in a run)."""
    ss = st.session_state
    prefix = f"epl-{ss.settings.merchant_serial_number}"
    ss.setdefault("create_reference", new_reference(prefix))
    ss.setdefault("create_errors", {})
    ss.setdefault("create_sent", set())  # references sent in this session: never sent twice
    if ss.pop("create_next_reference", False):
        ss.create_reference = new_reference(prefix)


def submit_create(form: CreateForm, anyway: bool) -> None:
    """Check, then send; after a 201 (or a repeated reference) rerun with a fresh reference."""
    ss = st.session_state
    check = check_create(form)
    ss.create_errors = dict(check.errors)
    if form.reference in ss.create_sent and not anyway:
        # A double submit (Enter twice, a click during the run) would reuse the reference: 409.
        ss.create_errors["reference"] = reused_reference_message(form.reference)
        ss.create_next_reference = True
        st.rerun()
    if ss.create_errors and not anyway:
        return
    ss.create_sent.add(form.reference)  # before the call: a rerun may interrupt this one
    result = run_step("create", "Creating the payment…", ss.client.create_payment, **check.kwargs)
    if result is None:
        err = ss.outcomes["create"]["error"]
        if getattr(err, "status", None) != 409:
            ss.create_sent.discard(form.reference)  # refused: the same reference may be fixed up
        for name, said in problem_field_errors(getattr(err, "problem", None)).items():
            ss.create_errors[name] = f"{ss.create_errors.get(name, '')} {said}".strip()
        return
    session.set_payment(result.reference, (result.data or {}).get("redirectUrl"))
    session.refresh_payment()
    ss.create_next_reference = True  # a second click must not hit 409 "Reference exists"
    st.toast(f"Payment {result.reference} created.", icon=":material/check_circle:")
    st.rerun()  # the form shows the next reference at once
