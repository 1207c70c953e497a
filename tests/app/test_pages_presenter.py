"""The presenter view: a payment for an audience, its next money moves, and 'tell the story'."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from lib.epayment import EPaymentClient, PaymentState
from tests.app.helpers import texts, unexpected

PRESENTER = "pages/13_presenter.py"


@pytest.fixture
def fast_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every reading of the clock is 10 s later: each act's pause is over at once."""
    from lib.ui import story_player

    ticks = itertools.count(1_000_000, 10)
    monkeypatch.setattr(story_player, "now", lambda: float(next(ticks)))


def test_presenter_starts_a_payment_with_qr_and_state(app, settings) -> None:
    at = app(PRESENTER)
    assert not unexpected(at)
    assert "Press **Tell the story**" in texts(at)
    at.button(key="presenter_new").click().run()
    assert not unexpected(at)
    assert at.session_state.payment.state is PaymentState.CREATED
    assert len(at.image) == 1  # the QR of the redirectUrl
    shown = texts(at) + " ".join(h.value for h in at.get("html"))
    assert settings.merchant_name in shown and "NOK 250.00" in shown
    assert "**Created**" in shown and "The customer approves in the app." in shown
    assert "curl" not in shown and settings.client_secret not in shown  # no developer detail


def test_presenter_moves_the_money_with_big_buttons(app, client, simulator, settings) -> None:
    created = client.create_payment(amount=25_000, return_url="https://example.com/return")
    simulator.backend.approve(settings.merchant_serial_number, created.reference)
    at = app(PRESENTER, reference=created.reference)
    at.button(key="presenter_capture").click().run()
    assert not unexpected(at)
    assert at.session_state.payment.aggregate.captured.value == 25_000
    assert "**Captured**" in texts(at)
    assert not [b for b in at.button if b.key == "presenter_capture"]
    at.button(key="presenter_refund").click().run()
    assert at.session_state.payment.aggregate.refunded.value == 25_000


@pytest.mark.parametrize("target", ["simulator", "custom"])
def test_tell_the_story_plays_a_whole_payment(app, settings, fast_clock, target) -> None:
    chosen = dataclasses.replace(settings, target=target)
    at = app(None, settings=chosen)
    at.session_state["client"] = EPaymentClient(chosen, recorder=at.session_state.recorder)
    at.switch_page(PRESENTER).run()
    at.button(key="presenter_tell").click().run()
    for _ in range(10):  # each run plays the acts whose pause is over
        if at.session_state.presenter_story is None:
            break
        at.run()
    assert not unexpected(at)
    assert at.session_state.presenter_error is None
    payment = at.session_state.payment
    assert payment.state is PaymentState.AUTHORIZED
    assert payment.aggregate.captured.value == 25_000
    assert payment.aggregate.refunded.value == 5_000
    assert "That is a whole payment" in texts(at)
    operations = [e.operation for e in at.session_state.recorder.exchanges()]
    # On the simulator the control plane approves (no API call); elsewhere force approve.
    assert ("force_approve" in operations) is (target == "custom")
