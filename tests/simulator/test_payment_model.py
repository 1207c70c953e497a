"""The Payment model's own transitions: plain calls on one payment, no backend, lock or HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from simulator import DEFAULT_SALES_UNIT
from simulator import exceptions as ex
from simulator.clock import SimClock, iso
from simulator.ids import SeededIds
from simulator.payments import Payment
from simulator.requests_parsing import parse_create
from simulator.transitions import TransitionPolicy

BASE = "http://sim.test"


def new_payment(value: int = 1000, *, seed: int = 3, **fields: Any) -> Payment:
    clock = SimClock()
    body: dict[str, Any] = {
        "amount": {"value": value, "currency": "NOK"},
        "paymentMethod": {"type": "WALLET"},
        "reference": "order-00000001",
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://example.com/return",
        **fields,
    }
    req = parse_create(body, DEFAULT_SALES_UNIT, clock.now())
    return Payment.open(req, DEFAULT_SALES_UNIT, "create-key", clock, SeededIds(seed), 600, BASE)


def authorized(value: int = 1000) -> Payment:
    p = new_payment(value)
    p.force_approve(customer=None, token=None)
    return p


def names(p: Payment) -> list[str]:
    return [e["name"] for e in p.events]


def amounts(p: Payment) -> tuple[int, int, int, int]:
    return p.authorized, p.captured, p.refunded, p.cancelled


def test_open__logs_created_with_the_payments_psp_reference() -> None:
    p = new_payment()
    [event] = p.events
    assert p.state == "CREATED" and amounts(p) == (0, 0, 0, 0)
    assert event["name"] == "CREATED" and event["pspReference"] == p.psp_reference
    assert event["idempotencyKey"] == "create-key" and event["timestamp"] == iso(p.created_at)
    assert p.expires_at == p.created_at + 600


@pytest.mark.parametrize(
    ("fields", "redirect"),
    [
        ({}, f"{BASE}/landing?token="),
        ({"userFlow": "QR"}, f"{BASE}/qr?token="),
        ({"userFlow": "QR", "qrFormat": {"format": "TEXT/TARGETURL"}}, f"{BASE}/landing?token="),
    ],
)
def test_open__redirect_url_per_user_flow(fields: dict[str, Any], redirect: str) -> None:
    p = new_payment(**fields)
    assert p.redirect_url == redirect + p.landing_token


def test_open__push_message_has_no_redirect_url() -> None:
    p = new_payment(userFlow="PUSH_MESSAGE", customer={"phoneNumber": "4712345678"})
    assert p.redirect_url is None


def test_force_approve() -> None:
    p = authorized()
    assert p.state == "AUTHORIZED" and p.authorized == 1000 and p.card_bin == "429198"
    assert names(p) == ["CREATED", "AUTHORIZED"]
    assert p.events[1]["idempotencyKey"] == "create-key"  # the authorization answers the create


def test_force_approve__wrong_token_changes_nothing() -> None:
    p = new_payment()
    with pytest.raises(ex.ApproveFailed) as info:
        p.force_approve(customer=None, token="not-the-token")
    assert info.value.code == "10010" and p.state == "CREATED" and names(p) == ["CREATED"]


def test_force_approve__sets_a_missing_customer_only() -> None:
    p = new_payment()
    p.force_approve(customer={"phoneNumber": "4799999999"}, token=p.landing_token)
    assert p.customer == {"phoneNumber": "4799999999"}


def test_force_approve__ignores_declined_card_amounts() -> None:
    p = new_payment(151)
    p.force_approve(customer=None, token=None)
    assert p.state == "AUTHORIZED"


def test_approve__declined_card_amount_aborts() -> None:
    p = new_payment(151)
    p.approve()
    assert p.state == "ABORTED" and p.authorized == 0
    assert [(e["name"], e["success"]) for e in p.events[1:]] == [
        ("AUTHORIZED", False),
        ("ABORTED", True),
    ]


def test_approve__twice() -> None:
    p = new_payment()
    p.approve()
    with pytest.raises(ex.AlreadyReserved) as info:
        p.approve()
    assert info.value.code == "6230" and names(p) == ["CREATED", "AUTHORIZED"]


@pytest.mark.parametrize(("action", "state"), [("reject", "ABORTED"), ("expire", "EXPIRED")])
def test_user_action__ends_the_payment(action: str, state: str) -> None:
    p = new_payment()
    getattr(p, action)()
    assert p.state == state and names(p) == ["CREATED", state]
    with pytest.raises(ex.ApproveNotAllowed) as info:
        p.approve()
    assert str(info.value) == f"The payment is already {state}."


def test_capture__partial() -> None:
    p = authorized()
    p.capture(400, key="c1", allow_partial=True)
    assert p.captured == 400 and p.capturable == 600 and p.refundable == 400
    assert (p.events[-1]["name"], p.events[-1]["amount"]["value"]) == ("CAPTURED", 400)
    assert p.events[-1]["idempotencyKey"] == "c1"


def approve(p: Payment) -> None:
    p.force_approve(customer=None, token=None)


def capture_all(p: Payment) -> None:
    approve(p)
    p.capture(p.value, key="all", allow_partial=True)


def cancel_remainder(p: Payment) -> None:
    approve(p)
    p.cancel(transaction_only=False, key=None)


@pytest.mark.parametrize(
    ("prepare", "value", "error"),
    [
        (lambda p: None, 100, ex.CaptureBeforeReservation),
        (approve, 1001, ex.CaptureAmountTooHigh),
        (Payment.reject, 100, ex.CannotBeCaptured),
        (capture_all, 1, ex.AlreadyCaptured),
        (cancel_remainder, 1, ex.CannotCaptureCancelled),
    ],
)
def test_capture__refused_changes_nothing(prepare: Any, value: int, error: type) -> None:
    p = new_payment()
    prepare(p)
    before, logged = amounts(p), len(p.events)
    with pytest.raises(error):
        p.capture(value, key="k", allow_partial=True)
    assert amounts(p) == before and len(p.events) == logged


def test_capture__full_amount_required() -> None:
    p = authorized()
    with pytest.raises(ex.MustCaptureFullAmount) as info:
        p.capture(500, key="k", allow_partial=False)
    assert info.value.code == "6140"
    p.capture(1000, key="k", allow_partial=False)
    assert p.captured == 1000


def test_refund__partial_then_the_rest() -> None:
    p = authorized()
    p.capture(1000, key="c", allow_partial=True)
    p.refund(300, key="r1")
    p.refund(700, key="r2")
    assert p.refunded == 1000 and p.refundable == 0
    with pytest.raises(ex.AlreadyRefunded):
        p.refund(1, key="r3")


def test_refund__above_refundable() -> None:
    p = authorized()
    p.capture(500, key="c", allow_partial=True)
    with pytest.raises(ex.NotEnoughRefundable) as info:
        p.refund(501, key="r")
    assert info.value.code == "6150" and p.refunded == 0


@pytest.mark.parametrize(
    ("value", "error"), [(123, ex.RefundNotPossible), (124, ex.RefundPeriodExpired)]
)
def test_refund__magic_amount_logs_a_failed_refund(value: int, error: type) -> None:
    p = authorized()
    p.capture(1000, key="c", allow_partial=True)
    with pytest.raises(error):
        p.refund(value, key="r")
    assert p.refunded == 0
    assert (p.events[-1]["name"], p.events[-1]["success"]) == ("REFUNDED", False)


@pytest.mark.parametrize(
    ("prepare", "error"),
    [(lambda p: None, ex.RefundBeforeReservation), (lambda p: p.expire(), ex.CannotBeRefunded)],
)
def test_refund__refused_by_state(prepare: Any, error: type) -> None:
    p = new_payment()
    prepare(p)
    with pytest.raises(error):
        p.refund(100, key="r")


def test_cancel__before_approval_terminates() -> None:
    p = new_payment()
    p.cancel(transaction_only=True, key=None)
    assert p.state == "TERMINATED" and p.cancelled == 1000 and names(p)[-1] == "TERMINATED"


def test_cancel__after_partial_capture_cancels_the_remainder() -> None:
    p = authorized()
    p.capture(300, key="c", allow_partial=True)
    p.cancel(transaction_only=False, key="x")
    assert p.state == "AUTHORIZED" and p.cancelled == 700 and p.capturable == 0
    assert (p.events[-1]["name"], p.events[-1]["amount"]["value"]) == ("CANCELLED", 700)


@pytest.mark.parametrize(
    ("prepare", "transaction_only", "error"),
    [
        (lambda p: None, True, ex.CannotCancelAuthorized),
        (lambda p: p.capture(1000, key="c", allow_partial=True), False, ex.CannotCancelCaptured),
        (lambda p: p.cancel(transaction_only=False, key=None), False, ex.CannotBeCancelled),
    ],
)
def test_cancel__refused_when_authorized(prepare: Any, transaction_only: bool, error: type) -> None:
    p = authorized()
    prepare(p)
    before = amounts(p)
    with pytest.raises(error):
        p.cancel(transaction_only=transaction_only, key=None)
    assert amounts(p) == before


def test_refresh__expiry_is_stamped_when_it_was_due() -> None:
    p = new_payment()
    p.clock.advance(3600)
    p.refresh(TransitionPolicy())
    assert p.state == "EXPIRED" and p.events[-1]["timestamp"] == iso(p.expires_at)
    p.refresh(TransitionPolicy(mode="immediate"))  # final: nothing more happens
    assert names(p) == ["CREATED", "EXPIRED"]


def test_refresh__after_polls() -> None:
    p = new_payment()
    policy = TransitionPolicy(mode="after_polls", polls=2)
    p.polled()
    p.refresh(policy)
    assert p.state == "CREATED"
    p.polled()
    p.refresh(policy)
    assert p.state == "AUTHORIZED"


def test_refused_operations_draw_no_psp_reference() -> None:
    # Seeded ids are reproducible only if a refusal leaves the random source untouched.
    refused, straight = authorized(), authorized()
    with pytest.raises(ex.CaptureAmountTooHigh):
        refused.capture(5000, key="k", allow_partial=True)
    refused.capture(100, key="k", allow_partial=True)
    straight.capture(100, key="k", allow_partial=True)
    assert refused.events[-1]["pspReference"] == straight.events[-1]["pspReference"]


def test_profile_scope__sub_appears_on_authorization() -> None:
    p = new_payment(profile={"scope": "name"})
    assert p.sub is None
    p.approve()
    assert p.sub is not None and len(p.sub) == 36
