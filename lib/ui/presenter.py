"""The presenter view: merchant, amount, big QR, the customer's phone, live state and story."""

from __future__ import annotations

import html
from typing import Literal

import streamlit as st

from lib.epayment import EPaymentError
from lib.epayment.models import EventName, Money, Payment
from lib.story import Beat, Move, next_moves, timeline
from lib.ui import session
from lib.ui.complete import redirect_qr
from lib.ui.layout import state_color
from lib.ui.status import live_payment, webhook_rows

AMOUNT = Money(25_000)  # NOK 250.00: a price an audience reads at a glance
REFUND = Money(5_000)
DESCRIPTION = "ePayment Lab demo"
PHONE = "4712345678"
# Full screen without developer detail: no sidebar or toolbar, type sized to the screen.
STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], .st-key-presenter [data-testid="stElementToolbar"]
{display: none !important}
[data-testid="stMainBlockContainer"] {padding: 1.2rem 2.5rem 1rem; max-width: 100%}
.st-key-presenter p, .st-key-presenter li {font-size: clamp(1.1rem, 1.35vw, 1.7rem)}
.st-key-presenter button {min-height: 3.6rem; padding: .4rem 1.6rem}
.st-key-presenter button p {font-size: clamp(1.2rem, 1.5vw, 1.9rem); font-weight: 600}
.st-key-presenter_phone iframe {border: 12px solid #1F1F3D; border-radius: 36px;
  background: #fff; box-sizing: border-box}
.presenter-head {display: flex; justify-content: space-between; align-items: baseline;
  gap: 2rem; flex-wrap: wrap}
.presenter-merchant {font-size: clamp(1.8rem, 2.6vw, 3.2rem); font-weight: 700}
.presenter-amount {font-size: clamp(2.2rem, 3.6vw, 4.4rem); font-weight: 800; color: #FF5B24}
.presenter-state {display: inline-block; max-width: 100%; box-sizing: border-box;
  color: #fff; font-weight: 800; border-radius: 999px; padding: .15em .8em;
  font-size: clamp(1.8rem, 3vw, 3.6rem); letter-spacing: .04em}
</style>"""


def merchant_name() -> str:
    settings = st.session_state.settings
    return settings.merchant_name or f"Sales unit {settings.merchant_serial_number}"


def headline(payment: Payment | None) -> None:
    """Who sells and how much, in the largest type on the screen."""
    amount = payment.amount if payment is not None else AMOUNT
    st.html(
        "<div class='presenter-head'>"
        f"<span class='presenter-merchant'>{html.escape(merchant_name())}</span>"
        f"<span class='presenter-amount'>{html.escape(str(amount))}</span></div>"
    )


def create_payment() -> None:
    """A demo payment; on the simulator NATIVE_REDIRECT, so the phone shows the result itself
    instead of leaving for the shop's returnUrl."""
    ss = st.session_state
    flow = "NATIVE_REDIRECT" if session.on_simulator() else "WEB_REDIRECT"
    with ss.recorder.step("presenter"):
        result = ss.client.create_payment(
            amount=AMOUNT.value, currency=AMOUNT.currency, user_flow=flow,
            return_url="https://example.com/return", phone_number=PHONE,
            description=DESCRIPTION,
        )  # fmt: skip
    session.set_payment(str(result.reference), (result.data or {}).get("redirectUrl"))
    session.remember_created(str(result.reference))
    session.refresh_payment("presenter")


def new_payment() -> None:
    """Button callback: a fresh payment, shown at once (a refusal in plain words)."""
    session.start_over()
    st.session_state.presenter_error = None
    try:
        create_payment()
    except EPaymentError as err:
        st.session_state.presenter_error = str(err)


def move_money(move: Move) -> None:
    ss = st.session_state
    with ss.recorder.step("presenter"):
        if move.key == "capture":
            ss.client.capture_payment(ss.reference, amount=move.amount.value)
        elif move.key == "refund":
            ss.client.refund_payment(ss.reference, amount=move.amount.value)
        else:
            ss.client.cancel_payment(ss.reference)
    session.refresh_payment("presenter")


def customer_phone(url: str | None, payment: Payment | None) -> None:
    """The simulator's landing page in a phone frame (reloaded when the state changes)."""
    if not url or not session.on_simulator():
        st.markdown(":material/smartphone: The customer scans the code with the app.")
        return
    state = payment.state if payment is not None else "none"
    with st.container(key="presenter_phone", width=360):
        st.iframe(f"{url}&shown={state}", height=560)  # the landing page ignores `shown`


def big_state(payment: Payment | None) -> None:
    state = payment.state if payment is not None else None
    color = state_color(state)
    st.html(
        f"<div class='presenter-state' style='background:{color}'>"
        f"{html.escape(state or 'NO PAYMENT')}</div>"
    )


def beat_line(beat: Beat) -> str:
    mark = ":material/check_circle:" if beat.done else ":material/radio_button_unchecked:"
    when = f" &nbsp; {beat.at:%H:%M:%S}" if beat.at else ""
    tick = " &nbsp; :green[:material/webhook: webhook]" if beat.webhook else ""
    title = f"**{beat.title}**" if beat.done else f":gray[{beat.title}]"
    return f"{mark} {title}{when}{tick}  \n:gray[{beat.sentence}]"


def webhooked() -> set[EventName]:
    rows = webhook_rows(st.session_state.reference) or []
    names = (EventName.parse(r["event"]) for r in rows if r["verdict"] == "verified")
    return {n for n in names if n is not None}


def moves(payment: Payment | None) -> None:
    """Big buttons for the next money move; a refusal in plain words."""
    row = st.container(horizontal=True)  # wraps when the labels need more than a line
    for move in next_moves(payment):
        kind: Literal["primary", "secondary"] = "primary" if move.key == "capture" else "secondary"
        if row.button(move.label, key=f"presenter_{move.key}", type=kind):
            try:
                move_money(move)
            except EPaymentError as err:
                st.session_state.presenter_error = str(err)
            st.rerun()


def live_story(polling: bool) -> None:
    """The live half: the state, the timeline with times and webhook ticks, the next moves."""
    ss = st.session_state
    big_state(ss.payment)
    for beat in timeline(ss.events or [], webhooked()):
        st.markdown(beat_line(beat))
    if not ss.get("presenter_story"):
        moves(ss.payment)


def stage() -> None:
    """QR | phone | live state and story, side by side."""
    ss = st.session_state
    qr, phone, story = st.columns([5, 4, 6], gap="large")
    with qr:
        redirect_qr(ss.redirect_url, max_px=460, download=False)
    with phone:
        customer_phone(ss.redirect_url, ss.payment)
    with story:
        live_payment(live_story)
