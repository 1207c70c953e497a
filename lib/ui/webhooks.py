"""Webhooks in the dashboard: the process's receiver (cached) and this session's part in it.

The logic lives in lib/webhooks (router, registrations, timing, tables); the views in
lib/ui/webhook_views.py. The names the status page and start-up import stay here.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from lib.epayment import EPaymentClient
from lib.settings import Settings
from lib.webhooks import EPAYMENT_EVENTS, Delivery, Registration
from lib.webhooks.events import short_event
from lib.webhooks.local import LocalWebhooks
from lib.webhooks.router import SessionEvidence
from lib.webhooks.tables import arrival_rows, delivery_rows

__all__ = [
    "SessionEvidence",
    "arrival_rows",
    "auto_registration_off",
    "delivery_rows",
    "ensure_registered",
    "forget_registration",
    "is_ours",
    "local_webhooks",
    "receiver_url",
    "reference_of",
    "register_receiver",
    "reregister",
    "short_event",
]


@st.cache_resource(show_spinner="Starting the webhook receiver…")
def local_webhooks() -> LocalWebhooks:
    """One receiver per process on 127.0.0.1 (any free port), shared by every session."""
    return LocalWebhooks.start()


def receiver_url(settings: Settings) -> str:
    return local_webhooks().url_for(settings)


def is_ours(url: str) -> bool:
    return local_webhooks().is_ours(url)


def register_receiver(
    client: EPaymentClient, url: str, events: Sequence[str] = EPAYMENT_EVENTS
) -> Registration:
    """Register `url` (ours) for `events`; the receiver keeps the secret, the UI never sees it."""
    return local_webhooks().register(client, url, events)


def ensure_registered(settings: Settings, client: EPaymentClient | None = None) -> str | None:
    """On the simulator: this session's evidence joins the receiver's, and our receiver is
    registered for every ePayment event (by a client of the dashboard's own unless the user's
    `client` is given). Returns a problem, or None."""
    local, recorder = local_webhooks(), st.session_state.recorder
    local.evidence.join(recorder)
    return local.ensure(settings, lambda: client or local.own_client(settings, recorder))


def forget_registration(settings: Settings, webhook_id: str) -> None:
    local_webhooks().forget(settings, webhook_id)


def auto_registration_off(settings: Settings) -> bool:
    return local_webhooks().declined_for(settings)


def reregister(client: EPaymentClient, settings: Settings) -> str | None:
    """After the user deleted ours: register the receiver again (a new id and secret)."""
    local_webhooks().evidence.join(st.session_state.recorder)
    return local_webhooks().reregister(settings, client)


def reference_of(delivery: Delivery) -> str | None:
    """The payment a delivery names, verified or not (the status page filters on it)."""
    return delivery.claimed_reference
