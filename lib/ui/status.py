"""The live payment status panel: a fragment that polls GET payment until the state is final."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.flow import amount_of, format_minor, is_final
from lib.ui import session
from lib.ui.layout import big_state
from lib.ui.webhooks import arrival_rows, local_webhooks, reference_of

AGGREGATES = (
    ("Authorized", "authorizedAmount"),
    ("Captured", "capturedAmount"),
    ("Refunded", "refundedAmount"),
    ("Cancelled", "cancelledAmount"),
)


def aggregate_metrics(payment: dict | None) -> None:
    payment = payment or {}
    currency = (payment.get("amount") or {}).get("currency", "NOK")
    aggregate = payment.get("aggregate")
    for column, (label, name) in zip(st.columns(len(AGGREGATES)), AGGREGATES, strict=True):
        column.metric(label, format_minor(amount_of(aggregate, name), currency))


EVENT_COLORS = {
    "CREATED": "blue",
    "AUTHORIZED": "green",
    "CAPTURED": "violet",
    "REFUNDED": "orange",
    "CANCELLED": "gray",
    "ABORTED": "red",
    "EXPIRED": "orange",
    "TERMINATED": "gray",
}


def events_timeline(events: list | None) -> None:
    """The event log as a row of badges (what happened, in order), then the full table."""
    if not events:
        st.caption("No events yet.")
        return
    chips = [
        f":{EVENT_COLORS.get(e.get('name'), 'gray')}-badge[{e.get('name')} "
        f"{((e.get('amount') or {}).get('value') or 0) / 100:,.2f}]"
        + ("" if e.get("success", True) else " :red-badge[failed]")
        for e in events
    ]
    st.markdown(" → ".join(chips))
    rows = [
        {
            "time": e.get("timestamp"),
            "event": e.get("name"),
            "amount": format_minor(
                (e.get("amount") or {}).get("value"), (e.get("amount") or {}).get("currency", "NOK")
            ),
            "success": e.get("success"),
            "pspReference": e.get("pspReference"),
            "idempotencyKey": e.get("idempotencyKey"),
        }
        for e in events
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def webhook_rows(reference: str) -> list[dict] | None:
    """This payment's deliveries to the dashboard's receiver, timed against the polls (None:
    no local receiver, i.e. not on the simulator)."""
    ss = st.session_state
    if ss.settings.target != "simulator":
        return None
    try:
        received = local_webhooks().receiver.deliveries()
    except OSError:  # the receiver could not start (boot says why): polling still works
        return None
    deliveries = [d for d in received if reference_of(d) == reference]
    polls = ss.recorder.exchanges(reference=reference, operation="get_payment")
    polls += ss.recorder.exchanges(reference=reference, operation="get_payment_event_log")
    return arrival_rows(deliveries, polls)


def webhook_summary(rows: list[dict] | None) -> None:
    """Beside the state: one line per verified event, webhook arrival vs the poll."""
    if rows is None:
        st.caption(":material/webhook: Webhooks need a public HTTPS URL here: see Webhooks.")
        return
    lines = [r["webhook vs poll"] for r in rows if r["webhook vs poll"]]
    refused = sum(1 for r in rows if r["verdict"].startswith("refused"))
    if not lines:
        st.caption(":material/webhook: No webhook for this payment yet.")
    for line in lines:
        st.markdown(f":material/webhook: {line}")
    if refused:
        st.warning(f"{refused} webhook deliveries refused: see the table below.")


def webhook_table(rows: list[dict] | None) -> None:
    if rows:
        st.markdown("**Webhooks received** (pushed, verified by the receiver)")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def live_status() -> None:
    """Poll every `poll_interval` seconds while the state is not final; a full rerun stops it."""
    interval = None if session.payment_is_final() else st.session_state.poll_interval

    @st.fragment(run_every=interval)
    def panel() -> None:
        was_final = session.payment_is_final()
        session.refresh_payment()
        state = session.current_state()
        left, right = st.columns([1, 3])
        with left:
            big_state(state)
        with right:
            if interval and not is_final(state):
                st.caption(f":material/autorenew: Polling every {interval:g} s until final.")
            else:
                st.caption(":material/pause_circle: Final state: polling stopped.")
            webhooks = webhook_rows(st.session_state.reference)
            webhook_summary(webhooks)
        if st.session_state.poll_error is not None:
            st.warning(f"Last poll failed: {st.session_state.poll_error}")
        aggregate_metrics(st.session_state.payment)
        st.markdown("**Event log** (`GET …/events`)")
        events_timeline(st.session_state.events)
        webhook_table(webhooks)
        if is_final(state) and not was_final and interval:
            st.rerun()  # re-apply the decorator without run_every: polling stops

    panel()
