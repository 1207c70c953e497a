"""The Webhooks page's views: where deliveries go, the registrations, what arrived here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from lib.settings import Settings
from lib.simulator_control import SimulatorControlError
from lib.ui.webhooks import auto_registration_off, is_ours, local_webhooks, receiver_url
from lib.webhooks.events import short_event
from lib.webhooks.tables import delivery_rows

SECRET_NOTE = "shown once, kept by the receiver"
ATTEMPT_FIELDS = ("time", "event", "reference", "attempt", "status")


def target_note(settings: Settings) -> None:
    """Where deliveries go: this dashboard's receiver, or a public URL of the developer's."""
    if settings.target != "simulator":
        st.info(
            "The test environment delivers only to a **public HTTPS URL** (it cannot reach "
            "127.0.0.1 on this machine): a server of yours or a tunnel. Its secret is shown once "
            "and kept masked here: delete and register again if your receiver lost it."
        )
        return
    st.markdown(f"This dashboard's receiver: `{receiver_url(settings)}`")
    if auto_registration_off(settings):
        st.caption("You deleted its registration: no webhooks arrive until you register it again.")
    else:
        st.caption(f"Registered for every ePayment event at start-up; its secret is {SECRET_NOTE}.")
    if st.session_state.get("webhooks_problem"):
        st.warning(st.session_state.webhooks_problem)


def attempts_of(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """On the simulator: each registration's delivery attempts (a warning if unreadable)."""
    if settings.target != "simulator":
        return {}
    try:
        return local_webhooks().attempts(settings)
    except SimulatorControlError as err:
        st.warning(f"Could not read the simulator's delivery attempts: {err}")
        return {}


def attempt_rows(tried: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: a.get(k) for k in ATTEMPT_FIELDS}
        | {"outcome": a.get("outcome"), "next retry": a.get("nextRetryAt")}
        for a in tried
    ]


def registrations_view(listed: Sequence[dict[str, Any]], settings: Settings) -> None:
    """The sales unit's registrations; on the simulator with its delivery attempts each."""
    if not listed:
        st.caption("No webhook registered for this sales unit.")
        return
    attempts = attempts_of(settings)
    for hook in listed:
        mine = settings.target == "simulator" and is_ours(str(hook.get("url")))
        label = f"`{hook.get('url')}`" + (" (this dashboard's receiver)" if mine else "")
        with st.expander(f"{label} · {len(hook.get('events', []))} events", expanded=mine):
            st.markdown(f"id `{hook.get('id')}` · secret: {SECRET_NOTE if mine else '••••••••'}")
            st.caption(", ".join(short_event(str(e)) for e in hook.get("events", [])))
            if settings.target != "simulator":
                continue
            st.markdown("**Delivery attempts** (the simulator's side, newest first)")
            rows = attempt_rows(attempts.get(str(hook.get("id")), []))
            if rows:
                st.dataframe(rows, hide_index=True, width="stretch")
            else:
                st.caption("No delivery attempted yet.")


def received_view(interval: float = 2.0) -> None:
    """What reached this dashboard's receiver, newest first; refreshes itself like the poll."""

    @st.fragment(run_every=interval)
    def panel() -> None:
        rows = delivery_rows(local_webhooks().receiver.deliveries())
        if rows:
            st.dataframe(rows, hide_index=True, width="stretch")
        else:
            st.caption("None yet: create and approve a payment (steps 3 and 4).")

    panel()
