"""The live payment status panel: a fragment that polls GET payment until the state is final."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lib.epayment.models import EventName, Payment, PaymentEvent
from lib.ui import session
from lib.ui.layout import big_state
from lib.ui.webhooks import arrival_rows, local_webhooks, reference_of


def aggregate_metrics(payment: Payment | None) -> None:
    if payment is None:
        return
    a = payment.aggregate
    amounts = [("Authorized", a.authorized), ("Captured", a.captured)]
    amounts += [("Refunded", a.refunded), ("Cancelled", a.cancelled)]
    for column, (label, money) in zip(st.columns(len(amounts)), amounts, strict=True):
        column.metric(label, str(money))


EVENT_COLORS: dict[EventName, str] = {
    EventName.CREATED: "blue",
    EventName.AUTHORIZED: "green",
    EventName.CAPTURED: "violet",
    EventName.REFUNDED: "orange",
    EventName.CANCELLED: "gray",
    EventName.ABORTED: "red",
    EventName.EXPIRED: "orange",
    EventName.TERMINATED: "gray",
}


def _chip(event: PaymentEvent) -> str:
    color = EVENT_COLORS.get(event.name, "gray") if event.name else "gray"
    failed = "" if event.success else " :red-badge[failed]"
    return f":{color}-badge[{event.name or '?'} {event.amount.major:,.2f}]{failed}"


def events_timeline(events: list[PaymentEvent] | None) -> None:
    """The event log as a row of badges (what happened, in order), then the full table."""
    if not events:
        st.caption("No events yet.")
        return
    st.markdown(" → ".join(_chip(e) for e in events))
    rows = [
        {
            "time": e.timestamp,
            "event": str(e.name or "?"),
            "amount": str(e.amount),
            "success": e.success,
            "pspReference": e.psp_reference,
            "idempotencyKey": e.idempotency_key,
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


def live_payment(body: Callable[[bool], None]) -> None:
    """Run `body(polling)` in a fragment that re-reads the payment every `poll_interval` seconds
    while it is not final; at a final state one full rerun drops the timer (polling stops).

    Every page that shows a payment's state uses this, so they all follow it the same way.
    """
    interval = None if session.payment_is_final() else st.session_state.poll_interval

    @st.fragment(run_every=interval)
    def panel() -> None:
        was_final = session.payment_is_final()
        payment = session.refresh_payment()
        final = payment is not None and payment.is_final
        body(bool(interval) and not final)
        if final and not was_final and interval:
            st.rerun()  # re-apply the decorator without run_every: polling stops

    panel()


def polling_caption(polling: bool) -> None:
    if polling:
        interval = st.session_state.poll_interval
        st.caption(f":material/autorenew: Polling every {interval:g} s until final.")
    else:
        st.caption(":material/pause_circle: Final state: polling stopped.")


def _status_body(polling: bool) -> None:
    # The pill on a row of its own: beside text in a narrow column, AUTHORIZED ran over it.
    big_state(session.current_state())
    polling_caption(polling)
    webhooks = webhook_rows(st.session_state.reference)
    webhook_summary(webhooks)
    if st.session_state.poll_error is not None:
        st.warning(f"Last poll failed: {st.session_state.poll_error}")
    aggregate_metrics(st.session_state.payment)
    st.markdown("**Event log** (`GET …/events`)")
    events_timeline(st.session_state.events)
    webhook_table(webhooks)


def live_status() -> None:
    """The status page's panel: state, webhooks beside it, amounts and event log, live."""
    live_payment(_status_body)
