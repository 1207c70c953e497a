"""Per-session dashboard state: one setup shared by the entrypoint and the page tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from lib.epayment import EPaymentClient, EPaymentError, new_reference
from lib.flow import is_final, steps_done
from lib.recorder import Recorder
from lib.settings import Settings

# Per-payment keys, cleared by "start over".
PAYMENT_DEFAULTS: dict[str, Any] = {
    "reference": None,  # the current payment's reference
    "payment": None,  # the last GET payment body
    "events": None,  # the last GET events body
    "redirect_url": None,
    "poll_error": None,
}


def init_session(
    settings: Settings, *, db_path: str | Path, sim_settings: Settings | None = None
) -> None:
    """Create what every page needs, once per browser session (reruns keep it)."""
    ss = st.session_state
    ss.setdefault("sim_settings", sim_settings)
    if "recorder" not in ss:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        ss.recorder = Recorder.open(db_path, run_label="dashboard")
    if "client" not in ss:
        use_settings(settings)
    ensure_defaults()


def ensure_defaults() -> None:
    """Every key a page reads, so no page meets a KeyError (also when a test seeds the state)."""
    ss = st.session_state
    ss.setdefault("marks", set())  # steps marked done explicitly (setup, token)
    ss.setdefault("poll_interval", 2.0)
    ss.setdefault("token", None)  # {"expires_at": epoch seconds, "token_type": ...}
    ss.setdefault("outcomes", {})  # step -> {"exchange": ..., "error": ...} of its last call
    for key, value in PAYMENT_DEFAULTS.items():
        ss.setdefault(key, value)


def use_settings(settings: Settings) -> None:
    """Point this session at a target; the recorder (evidence) is kept."""
    ss = st.session_state
    for secret in settings.secrets:
        ss.recorder.add_secret(secret)
    ss.settings = settings
    ss.client = EPaymentClient(settings, recorder=ss.recorder)
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


def refresh_payment(step: str = "status") -> dict[str, Any] | None:
    """GET the payment and its event log; keeps the last good view if a poll fails."""
    ss = st.session_state
    if not ss.reference:
        return None
    try:
        with ss.recorder.step(step):
            ss.payment = ss.client.get_payment(ss.reference).data
            ss.events = ss.client.get_payment_event_log(ss.reference).data
        ss.poll_error = None
        if not ss.redirect_url and isinstance(ss.payment, dict):
            ss.redirect_url = ss.payment.get("redirectUrl")
    except EPaymentError as err:
        ss.poll_error = err
    return ss.payment


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


def last_created_reference() -> str | None:
    """The newest payment created on this target and MSN, in any run: resumable after a reload."""
    ss = st.session_state
    for exchange in reversed(ss.recorder.exchanges("all", operation="create_payment")):
        msn = exchange.request_headers.get("Merchant-Serial-Number")
        same_target = exchange.url.startswith(ss.settings.base_url)
        if exchange.status == 201 and same_target and msn == ss.settings.merchant_serial_number:
            return exchange.reference
    return None


def current_state() -> str | None:
    payment = st.session_state.get("payment")
    return payment.get("state") if isinstance(payment, dict) else None


def payment_is_final() -> bool:
    return is_final(current_state())


def done() -> set[str]:
    ss = st.session_state
    settings = ss.get("settings")
    return steps_done(
        ss.get("marks", set()),
        ss.get("payment"),
        settings_ok=settings is not None and not settings.problems(),
        token_ok=token_issued(),
    )


def token_issued() -> bool:
    """An access token was issued in this run to the active target and MSN (by any step)."""
    ss = st.session_state
    settings, recorder = ss.get("settings"), ss.get("recorder")
    if settings is None or recorder is None:
        return False
    for exchange in recorder.exchanges(operation="access_token"):
        msn = exchange.request_headers.get("Merchant-Serial-Number")
        same_target = exchange.url.startswith(settings.base_url)
        if (
            exchange.status == 200
            and same_target
            and msn in (None, settings.merchant_serial_number)
        ):
            return True
    return False


def on_simulator() -> bool:
    return st.session_state.settings.target == "simulator"
