"""Webhooks in the dashboard: one receiver per process, each delivery in its session's evidence.

The receiver is process-wide (one port, one registration per simulator and sales unit, so
browser reloads never pile up registrations against the 25-per-event limit), but evidence is
per session: `SessionEvidence` records each delivery in the run of the session that knows its
payment. The timing helpers compare a webhook's arrival with the first poll that saw the same.
"""

from __future__ import annotations

import json
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests
import streamlit as st

from lib.epayment import EPaymentClient, EPaymentError
from lib.exchange import Exchange
from lib.recorder import Recorder
from lib.settings import Settings
from lib.webhooks import EPAYMENT_EVENTS, Delivery, Registration, WebhookReceiver, registration

OWNER_WAIT = 0.5  # s: the CREATED webhook may arrive before the client has logged its 201
STATE_NAMES = frozenset({"CREATED", "AUTHORIZED", "ABORTED", "EXPIRED", "TERMINATED"})
SECRET_NOTE = "shown once, kept by the receiver"


class SessionEvidence:
    """The receiver's recorder: each delivery goes to the session whose run has its payment.

    Deliveries of a payment no open session knows, and the automatic registration, go to a
    run of the dashboard's own in the same file (`process_recorder`).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: weakref.WeakSet[Recorder] = weakref.WeakSet()
        self._secrets: list[str] = []
        self._fallback: Recorder | None = None

    def join(self, recorder: Recorder) -> None:
        with self._lock:
            self._sessions.add(recorder)
            secrets = list(self._secrets)
        for secret in secrets:  # a webhook secret learnt before this session began
            recorder.add_secret(secret)

    def add_secret(self, secret: str) -> None:
        with self._lock:
            self._secrets.append(secret)
            targets = [*self._sessions, *([self._fallback] if self._fallback else [])]
        for recorder in targets:
            recorder.add_secret(secret)

    def owner(self, reference: str) -> Recorder | None:
        with self._lock:
            sessions = list(self._sessions)
        return next((r for r in sessions if r.exchanges(reference=reference)), None)

    def record(self, exchange: Exchange) -> Exchange:
        owner = None
        if exchange.reference:
            deadline = time.monotonic() + OWNER_WAIT
            while (owner := self.owner(exchange.reference)) is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        owner = owner or self.process_recorder()
        return owner.record(exchange) if owner is not None else exchange

    def process_recorder(self) -> Recorder | None:
        """The dashboard's own run, in the file of the first session that joined."""
        with self._lock:
            if self._fallback is None and len(self._sessions):
                store = next(iter(self._sessions)).store
                label = "dashboard webhooks: the receiver's registration, unclaimed deliveries"
                self._fallback = Recorder(store, label)
                for secret in self._secrets:
                    self._fallback.add_secret(secret)
            return self._fallback


@dataclass
class LocalWebhooks:
    """The process-wide receiver and what it is registered for: (base_url, msn) -> id."""

    receiver: WebhookReceiver
    evidence: SessionEvidence
    registered: dict[tuple[str, str], str] = field(default_factory=dict)
    declined: set[tuple[str, str]] = field(default_factory=set)  # the user deleted it
    lock: threading.Lock = field(default_factory=threading.Lock)


@st.cache_resource(show_spinner="Starting the webhook receiver…")
def local_webhooks() -> LocalWebhooks:
    """One receiver per process on 127.0.0.1 (any free port), shared by every session."""
    evidence = SessionEvidence()
    receiver = WebhookReceiver(recorder=evidence, port=0, target="simulator").start()
    return LocalWebhooks(receiver, evidence)


def _key(settings: Settings) -> tuple[str, str]:
    return settings.base_url, settings.merchant_serial_number


def receiver_url(settings: Settings) -> str:
    return local_webhooks().receiver.url_for(settings.merchant_serial_number)


def register_receiver(
    client: EPaymentClient, url: str, events: Sequence[str] = EPAYMENT_EVENTS
) -> Registration:
    """Register `url` (ours) for `events`; the receiver keeps the secret, the UI never sees it."""
    return registration.register_receiver(client, local_webhooks().receiver, events, url=url)


def ensure_registered(settings: Settings, client: EPaymentClient | None = None) -> str | None:
    """On the simulator: our receiver registered for every ePayment event. Checked on the
    control plane once per session (a simulator reset forgets registrations); registered once
    per process by a client of the dashboard's own, so no session's walk-through starts with
    calls it did not make (the user's `client` when they ask for it). Returns a problem."""
    local, key = local_webhooks(), _key(settings)
    local.evidence.join(st.session_state.recorder)
    with local.lock:
        if key in local.declined:
            return None
        try:
            known = local.registered.get(key)
            if known in delivery_attempts(*key):
                return None
            if known:  # the simulator was reset: the secret is void, and a seeded simulator
                local.receiver.remove_registration(known)  # repeats pspReferences, which the
                local.receiver.clear()  # dedupe memory would take for duplicates
            ours = register_receiver(client or _own_client(settings), receiver_url(settings))
            local.registered[key] = str(ours.id)
        except (EPaymentError, ValueError, requests.RequestException) as err:
            return f"Could not register the webhook receiver: {err}"
    return None


def _own_client(settings: Settings) -> EPaymentClient:
    recorder = local_webhooks().evidence.process_recorder() or st.session_state.recorder
    for secret in settings.secrets:
        recorder.add_secret(secret)
    return EPaymentClient(settings, recorder=recorder)


def forget_registration(settings: Settings, webhook_id: str) -> None:
    """After a delete: the receiver drops the secret; ours is not re-registered by itself."""
    local, key = local_webhooks(), _key(settings)
    local.receiver.remove_registration(webhook_id)
    with local.lock:
        if local.registered.get(key) == webhook_id:
            del local.registered[key]
            local.declined.add(key)


def auto_registration_off(settings: Settings) -> bool:
    return _key(settings) in local_webhooks().declined


def reregister(client: EPaymentClient, settings: Settings) -> str | None:
    """After the user deleted ours: register the receiver again (a new id and secret)."""
    local = local_webhooks()
    with local.lock:
        local.declined.discard(_key(settings))
    return ensure_registered(settings, client)


def short_event(event_type: str) -> str:
    """epayments.payment.authorized.v1 -> authorized (the list stays readable)."""
    parts = event_type.split(".")
    return parts[2] if len(parts) == 4 else event_type


def is_ours(url: str) -> bool:
    return url.startswith(local_webhooks().receiver.url)


def delivery_attempts(base_url: str, msn: str) -> dict[str, list[dict[str, Any]]]:
    """The simulator's control plane: registration id -> its delivery attempts, newest first."""
    response = requests.get(f"{base_url}/_sim/webhooks", params={"msn": msn}, timeout=5)
    response.raise_for_status()
    return {w["id"]: list(reversed(w.get("attempts", []))) for w in response.json()["webhooks"]}


# -- what arrived, and when the poll saw it ----------------------------------------------------


def reference_of(delivery: Delivery) -> str | None:
    if delivery.event is not None:
        return delivery.event.reference
    try:
        payload = json.loads(delivery.body)
    except ValueError:
        return None
    return str(payload.get("reference")) if isinstance(payload, dict) else None


def verdict(delivery: Delivery) -> str:
    if delivery.duplicate:
        return "duplicate"
    if delivery.verified and delivery.accepted:
        return "verified"
    return f"refused: {delivery.reason}"


def _seen_at(exchange: Exchange) -> datetime:
    """When the poll's answer arrived: the moment the poller could see the state."""
    return exchange.started_at + timedelta(milliseconds=exchange.latency_ms or 0)


def poll_seen_at(name: str, nth: int, polls: Sequence[Exchange]) -> datetime | None:
    """First poll that showed `name` (a GET in that state, or an event log with it `nth` times)."""
    times = []
    for ex in polls:
        try:
            body = json.loads(ex.response_body or "null")
        except ValueError:
            continue
        state_seen = name in STATE_NAMES and isinstance(body, dict) and body.get("state") == name
        listed = isinstance(body, list) and sum(
            1 for e in body if isinstance(e, dict) and e.get("name") == name
        )
        if ex.status == 200 and (state_seen or (listed or 0) >= nth):
            times.append(_seen_at(ex))
    return min(times, default=None)


def _since_event(timestamp: str | None, received: datetime) -> float | None:
    try:
        happened = datetime.fromisoformat(str(timestamp).replace("Z", "+00:00"))
        seconds = (received - happened).total_seconds()
    except (TypeError, ValueError):
        return None
    return seconds if 0 <= seconds < 3600 else None  # a moved simulator clock says nothing


def timing(name: str, since_event: float | None, poll_delay: float | None) -> str:
    """E.g. "AUTHORIZED: webhook 0.1 s after the event; the poll saw it 1.9 s later"."""
    hook = "webhook" + (f" {since_event:.1f} s after the event" if since_event is not None else "")
    if poll_delay is None:
        return f"{name}: {hook}; no poll has seen it yet"
    if poll_delay >= 0:
        return f"{name}: {hook}; the poll saw it {poll_delay:.1f} s later"
    return f"{name}: {hook}; the poll saw it {abs(poll_delay):.1f} s before the webhook came"


def arrival_rows(deliveries: Sequence[Delivery], polls: Sequence[Exchange]) -> list[dict]:
    """One row per delivery of a payment: what, how much, when, verdict, webhook vs poll."""
    rows, count = [], {}
    for d in deliveries:
        event = d.event
        name = event.name if event else "?"
        row: dict[str, Any] = {"received": d.received_at.strftime("%H:%M:%S.%f")[:-3]}
        row["event"] = name
        amount = (event.amount or {}) if event else {}
        value, currency = amount.get("value"), amount.get("currency", "")
        row["amount"] = f"{currency} {value / 100:,.2f}" if isinstance(value, int) else ""
        row["verdict"] = verdict(d)
        row["webhook vs poll"] = ""
        if event and row["verdict"] == "verified":
            count[name] = count.get(name, 0) + 1
            seen = poll_seen_at(name, count[name], polls)
            delay = (seen - d.received_at).total_seconds() if seen else None
            since = _since_event(event.timestamp, d.received_at)
            row["webhook vs poll"] = timing(name, since, delay)
        rows.append(row)
    return rows


def delivery_rows(deliveries: Sequence[Delivery], limit: int = 50) -> list[dict[str, Any]]:
    """The newest deliveries first: when, which event of which payment, the verdict."""
    return [
        {
            "received": d.received_at.strftime("%H:%M:%S.%f")[:-3],
            "event": d.event.name if d.event else "?",
            "reference": reference_of(d),
            "verdict": verdict(d),
            "answered": d.status,
        }
        for d in list(deliveries)[::-1][:limit]
    ]


# -- views ---------------------------------------------------------------------------------------


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


def registrations_view(listed: Sequence[dict[str, Any]], settings: Settings) -> None:
    """The sales unit's registrations; on the simulator with its delivery attempts each."""
    if not listed:
        st.caption("No webhook registered for this sales unit.")
        return
    attempts: dict[str, list[dict[str, Any]]] = {}
    if settings.target == "simulator":
        try:
            attempts = delivery_attempts(settings.base_url, settings.merchant_serial_number)
        except (requests.RequestException, KeyError, ValueError) as err:
            st.warning(f"Could not read the simulator's delivery attempts: {err}")
    for hook in listed:
        mine = settings.target == "simulator" and is_ours(str(hook.get("url")))
        tried = attempts.get(str(hook.get("id")), [])
        label = f"`{hook.get('url')}`" + (" (this dashboard's receiver)" if mine else "")
        with st.expander(f"{label} · {len(hook.get('events', []))} events", expanded=mine):
            st.markdown(f"id `{hook.get('id')}` · secret: {SECRET_NOTE if mine else '••••••••'}")
            st.caption(", ".join(short_event(str(e)) for e in hook.get("events", [])))
            if settings.target == "simulator":
                st.markdown("**Delivery attempts** (the simulator's side, newest first)")
                rows = [
                    {k: a.get(k) for k in ("time", "event", "reference", "attempt", "status")}
                    | {"outcome": a.get("outcome"), "next retry": a.get("nextRetryAt")}
                    for a in tried
                ]
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
