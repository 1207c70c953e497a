"""Typed payments: Money, Aggregate, Payment, PaymentEvent parse the spec's JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from lib.epayment.models import (
    Aggregate,
    EventName,
    Money,
    Payment,
    PaymentEvent,
    PaymentState,
    events_from,
    payment_from,
)

PAYMENT = {
    "reference": "ref-12345",
    "state": "AUTHORIZED",
    "amount": {"currency": "DKK", "value": 1050},
    "aggregate": {
        "authorizedAmount": {"currency": "DKK", "value": 1050},
        "capturedAmount": {"currency": "DKK", "value": 600},
        "refundedAmount": {"currency": "DKK", "value": 100},
        "cancelledAmount": {"currency": "DKK", "value": 0},
    },
    "pspReference": "psp-1",
    "paymentMethod": {"type": "WALLET"},
}


def test_money__formats_itself_in_major_units_with_currency() -> None:
    assert str(Money(1050, "NOK")) == "NOK 10.50"
    assert str(Money(123456789, "EUR")) == "EUR 1,234,567.89"
    assert str(Money(0, "DKK")) == "DKK 0.00"


def test_money__malformed_json_counts_as_zero() -> None:
    assert Money.from_json({"currency": "NOK", "value": "10"}) == Money(0, "NOK")
    assert Money.from_json({"currency": "NOK", "value": True}) == Money(0, "NOK")
    assert Money.from_json(None, "EUR") == Money(0, "EUR")


def test_aggregate__capturable_and_refundable_are_derived() -> None:
    payment = Payment.from_json(PAYMENT)
    assert payment.aggregate.capturable == Money(450, "DKK")
    assert payment.aggregate.refundable == Money(500, "DKK")


def test_aggregate__cancelled_remainder_leaves_nothing_to_capture() -> None:
    agg = Aggregate.from_json(
        {
            "authorizedAmount": {"currency": "NOK", "value": 1000},
            "capturedAmount": {"currency": "NOK", "value": 400},
            "cancelledAmount": {"currency": "NOK", "value": 600},
        }
    )
    assert agg.capturable == Money(0, "NOK") and agg.refundable == Money(400, "NOK")


def test_payment__typed_fields_and_raw_kept() -> None:
    payment = Payment.from_json(PAYMENT)
    assert payment.state is PaymentState.AUTHORIZED and payment.is_final
    assert payment.currency == "DKK" and payment.amount == Money(1050, "DKK")
    assert payment.psp_reference == "psp-1" and payment.payment_method == "WALLET"
    assert payment.raw is PAYMENT


def test_payment__unknown_state_is_none_not_an_error() -> None:
    payment = Payment.from_json({**PAYMENT, "state": "CAPTURED"})
    assert payment.state is None and not payment.is_final


def test_payment_from__only_bodies_that_describe_a_payment() -> None:
    assert payment_from({"redirectUrl": "x", "reference": "r"}) is None
    assert payment_from([1, 2]) is None
    created = payment_from({"state": "CREATED", "reference": "r"})
    assert created is not None and created.state is PaymentState.CREATED and not created.is_final


def test_payment_event__parses_the_event_log() -> None:
    events = events_from(
        [
            {
                "reference": "r",
                "name": "CAPTURED",
                "amount": {"currency": "NOK", "value": 500},
                "timestamp": "2026-11-29T10:00:00Z",
                "idempotencyKey": "k-1",
                "success": True,
            },
            {"reference": "r", "name": "NEW_THING", "success": False},
            "not an event",
        ]
    )
    assert len(events) == 2
    assert events[0].name is EventName.CAPTURED and events[0].amount == Money(500, "NOK")
    assert events[0].timestamp == datetime(2026, 11, 29, 10, tzinfo=UTC)
    assert events[0].idempotency_key == "k-1" and events[0].success
    assert events[1].name is None and not events[1].success


def test_payment_event__missing_success_means_success() -> None:
    assert PaymentEvent.from_json({"name": "CREATED"}).success


def test_payment_state__parse_and_final() -> None:
    assert PaymentState.parse("EXPIRED") is PaymentState.EXPIRED
    assert PaymentState.parse("expired") is None and PaymentState.parse(None) is None
    assert {s for s in PaymentState if s.is_final} == {
        PaymentState.AUTHORIZED,
        PaymentState.ABORTED,
        PaymentState.EXPIRED,
        PaymentState.TERMINATED,
    }
