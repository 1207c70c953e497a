"""The create page's submit: send the form once per reference, then offer a fresh reference."""

from __future__ import annotations

import streamlit as st

from lib.epayment import new_reference
from lib.epayment.models import Payment
from lib.epayment.transport import Call
from lib.forms import CreateCheck, problem_field_errors, reused_reference_message
from lib.ui import session
from lib.ui.exchange import prepared, send_step


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


def create_call(check: CreateCheck) -> Call | None:
    """The create call the form describes, with the key its click will send (for the preview)."""
    ss = st.session_state
    key = session.idempotency_key("create")
    return prepared(ss.client.prepare_create_payment, **check.kwargs, idempotency_key=key)


def submit_create(check: CreateCheck, call: Call | None, anyway: bool) -> None:
    """Check, then send; after a 201 (or a repeated reference) rerun with a fresh reference."""
    ss = st.session_state
    reference = check.kwargs["reference"]
    ss.create_errors = dict(check.errors)
    if reference in ss.create_sent and not anyway:
        # A double submit (Enter twice, a click during the run) would reuse the reference: 409.
        ss.create_errors["reference"] = reused_reference_message(reference)
        ss.create_next_reference = True
        st.rerun()
    if (ss.create_errors and not anyway) or call is None:
        ss.outcomes.pop("create", None)  # the last create's panel would read as this one's answer
        return
    ss.create_sent.add(reference)  # before the call: a rerun may interrupt this one
    result = send_step("create", "Creating the payment…", call)
    if result is None:
        err = ss.outcomes["create"]["error"]
        if getattr(err, "status", None) != 409:
            ss.create_sent.discard(reference)  # refused: the same reference may be fixed up
        for name, said in problem_field_errors(getattr(err, "problem", None)).items():
            ss.create_errors[name] = f"{ss.create_errors.get(name, '')} {said}".strip()
        return
    created = Payment.from_json(result.data or {})  # 201: reference and redirectUrl, no state yet
    session.set_payment(str(result.reference), created.redirect_url)
    session.remember_created(str(result.reference))
    session.refresh_payment()
    ss.create_next_reference = True  # a second click must not hit 409 "Reference exists"
    st.rerun()  # the form shows the next reference at once
