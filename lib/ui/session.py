"""Per-session dashboard state: one setup shared by the entrypoint and the page tests."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import streamlit as st

from lib.epayment import EPaymentClient, EPaymentError, new_reference
from lib.epayment.models import Payment, PaymentState
from lib.progress import steps_done
from lib.recorder import Recorder
from lib.settings import Settings

# Per-payment keys, cleared by "start over".
PAYMENT_DEFAULTS: dict[str, Any] = {
    "reference": None,  # the current payment's reference
    "payment": None,  # Payment | None: the last GET payment
    "events": None,  # list[PaymentEvent] | None: the last GET events
    "redirect_url": None,
    "poll_error": None,
}


def init_session(
    settings: Settings, *, db_path: str | Path, sim_settings: Settings | None = None
) -> None:
    """Create what every page needs, once per browser session (reruns keep it)."""
    ss = st.session_state
    ss.setdefault("sim_settings", sim_settings)
    if "recorder" not in ss:  # a SQLite store makes its own folder; a postgresql:// URL has none
        ss.recorder = Recorder.open(db_path, run_label="dashboard")
    if "client" not in ss:
        use_settings(settings)
    ensure_defaults()


def ensure_defaults() -> None:
    """Every key a page reads, so no page meets a KeyError (also when a test seeds the state)."""
    ss = st.session_state
    ss.setdefault("marks", set())  # steps marked done explicitly (setup, token)
    ss.setdefault("poll_interval", 2.0)
    ss.setdefault("token", None)  # TokenView of the last token the token page fetched
    ss.setdefault("outcomes", {})  # step -> {"exchange": ..., "error": ...} of its last call
    ss.setdefault("idempotency_keys", {})  # step -> the key its next call will carry
    ss.setdefault("facts", {})  # what the evidence showed once, so reruns need not ask again
    for key, value in PAYMENT_DEFAULTS.items():
        ss.setdefault(key, value)


def use_settings(settings: Settings, client: EPaymentClient | None = None) -> None:
    """Point this session at a target (with the client that checked it, if any); the recorder
    (evidence) is kept."""
    ss = st.session_state
    for secret in settings.secrets:
        ss.recorder.add_secret(secret)
    ss.settings = settings
    ss.client = client or EPaymentClient(settings, recorder=ss.recorder)
    ss.token = None
    ss.marks = set()


def start_over(keep: tuple[str, ...] = ("setup", "token")) -> None:
    """Forget the current payment (the evidence stays in the log)."""
    ss = st.session_state
    for key, value in PAYMENT_DEFAULTS.items():
        ss[key] = value
    ss.outcomes = {k: v for k, v in ss.outcomes.items() if k in keep}


def start_over_clicked() -> None:
    """Button callback (runs before the widgets exist, so it may refill the create form)."""
    start_over()
    ss = st.session_state
    ss.create_reference = new_reference(f"epl-{ss.settings.merchant_serial_number}")
    ss.create_errors = {}


def set_payment(reference: str, redirect_url: str | None = None) -> None:
    """Make `reference` the current payment (after a create, or to resume one)."""
    start_over(keep=("setup", "token", "create"))
    st.session_state.reference = reference
    st.session_state.redirect_url = redirect_url


def refresh_payment(step: str = "status") -> Payment | None:
    """GET the payment and its event log; keeps the last good view if a poll fails."""
    ss = st.session_state
    if not ss.reference:
        return None
    try:
        with ss.recorder.step(step):
            ss.payment = ss.client.get_payment(ss.reference).payment
            ss.events = ss.client.get_payment_event_log(ss.reference).events
        ss.poll_error = None
        if not ss.redirect_url and ss.payment is not None:
            ss.redirect_url = ss.payment.redirect_url
    except EPaymentError as err:
        ss.poll_error = err
        if ss.payment is not None and ss.payment.reference != ss.reference:
            ss.payment, ss.events = None, None  # never another payment's view under this name
    return ss.payment


def current_payment() -> Payment | None:
    """The current payment, read first when the session has none for its reference (after a
    jump to a step, a resume or a seeded test); the pages that show a payment call this."""
    ss = st.session_state
    payment = ss.get("payment")
    if ss.get("reference") and (payment is None or payment.reference != ss.reference):
        return refresh_payment()
    return payment


def resume(reference: str | None = None) -> None:
    """Button callback: runs before the page, so every page already shows the resumed payment.

    Without `reference`, the one typed in the sidebar's resume field.
    """
    ss = st.session_state
    ref = (reference or ss.get("sb_resume_ref") or "").strip()
    ss.resume_error = None
    if not ref:
        return
    set_payment(ref)
    if refresh_payment() is None:
        ss.resume_error = f"Could not load {ref}: {ss.poll_error}"
        start_over()


def current_state() -> PaymentState | None:
    """The state last read (no call): None without a payment or before it was read."""
    payment = st.session_state.get("payment")
    return payment.state if payment is not None else None


def payment_is_final() -> bool:
    payment = st.session_state.get("payment")
    return payment is not None and payment.is_final


def idempotency_key(step: str) -> str:
    """The key the step's next call carries: the preview shows it, the click sends it."""
    keys: dict[str, str] = st.session_state.idempotency_keys
    return keys.setdefault(step, str(uuid.uuid4()))


def forget_idempotency_key(step: str) -> None:
    """After an answer: the next call is a new operation (a lost answer keeps the key: a retry
    with it is safe)."""
    st.session_state.idempotency_keys.pop(step, None)


def done() -> set[str]:
    """The steps done, from session state and remembered facts (no call, at most one query)."""
    ss = st.session_state
    settings = ss.get("settings")
    return steps_done(
        ss.get("marks", set()),
        ss.get("reference"),
        ss.get("payment"),
        settings_ok=settings is not None and not settings.problems(),
        token_ok=token_issued(),
    )


def _unit(settings: Settings) -> tuple[str, str]:
    return settings.base_url, settings.merchant_serial_number


def _ask_store(facts: dict[str, Any], recorder: Recorder, settings: Settings) -> bool:
    """The store's sidebar facts (two indexed one-row queries, never a scan of the log): the
    last created reference is remembered for the sales unit; returns whether a token was issued."""
    found = recorder.store.sidebar_facts(
        recorder.run_id, settings.base_url, settings.merchant_serial_number
    )
    facts["last_created"] = (_unit(settings), found.last_reference)
    if found.token_issued:
        facts["token_issued"] = _unit(settings)
    return found.token_issued


def token_issued() -> bool:
    """An access token was issued in this run to the active target and MSN (by any step).

    Once seen it is remembered; until then each rerun asks the store one indexed question.
    """
    ss = st.session_state
    settings, recorder = ss.get("settings"), ss.get("recorder")
    if settings is None or recorder is None:
        return False
    facts = ss.setdefault("facts", {})
    if facts.get("token_issued") == _unit(settings) or ss.get("marks", set()) & {"setup", "token"}:
        return True
    last = facts.get("last_created")
    issued = _ask_store(facts, recorder, settings)
    if last is not None and last[0] == _unit(settings):
        facts["last_created"] = last  # this session's own create may be newer than the store's
    return issued


def last_created_reference() -> str | None:
    """The newest payment created on this target and MSN, in any run: resumable after a reload.

    Read from the evidence once per session and sales unit; this session's creates update it.
    """
    ss = st.session_state
    facts = ss.setdefault("facts", {})
    if facts.get("last_created", (None,))[0] != _unit(ss.settings):
        _ask_store(facts, ss.recorder, ss.settings)
    return facts["last_created"][1]


def remember_created(reference: str) -> None:
    facts = st.session_state.setdefault("facts", {})
    facts["last_created"] = (_unit(st.session_state.settings), reference)


def on_simulator() -> bool:
    return st.session_state.settings.target == "simulator"
