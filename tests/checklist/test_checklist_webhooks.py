"""Q1 (webhooks and polling) from hand-built logs: a verified delivery and a GET, same payment."""

from __future__ import annotations

from lib.checklist import Status, evaluate
from tests.checklist.checklist_logs import NOW, RECEIVER, LogBuilder


def q1(b: LogBuilder):
    return evaluate(b.exchanges, now=NOW)["Q1"]


def test_q1__a_verified_webhook_and_a_get_of_the_same_payment(builder: LogBuilder) -> None:
    builder.create("acme-order-1")
    builder.delivery("acme-order-1")
    builder.get("acme-order-1", "AUTHORIZED")
    result = q1(builder)
    assert result.status is Status.MET
    assert result.references == ("acme-order-1",)
    assert result.exchange_ids == (2, 3)  # the delivery and the GET, not the create


def test_q1__webhook_and_get_of_different_payments_is_not_enough(builder: LogBuilder) -> None:
    builder.delivery("acme-order-1")
    builder.get("acme-order-2", "AUTHORIZED")
    builder.get("acme-order-2", "AUTHORIZED")
    result = q1(builder)
    assert result.status is Status.MISSING
    assert "no GET of the same payment" in (result.hint or "")


def test_q1__refused_deliveries_prove_nothing(builder: LogBuilder) -> None:
    builder.delivery("acme-order-1", verdict="bad_signature", status=401)
    builder.delivery("acme-order-1", verdict="stale_date", status=401)
    builder.get("acme-order-1", "AUTHORIZED")
    result = q1(builder)
    assert result.status is Status.MISSING
    assert "none verified" in (result.hint or "")


def test_q1__a_delivery_for_no_payment_or_a_failed_get_proves_nothing(builder: LogBuilder) -> None:
    builder.delivery(None)  # verified, but the body named no payment
    builder.add("get_payment", "GET", "http://127.0.0.1:1/epayment/v1/payments/acme-order-1",
                404, ref="acme-order-1")  # fmt: skip
    builder.delivery("acme-order-1")
    assert q1(builder).status is Status.MISSING


def test_q1__polling_alone_says_to_register_a_webhook(builder: LogBuilder) -> None:
    builder.get("acme-order-1", "CREATED")
    builder.get("acme-order-1", "AUTHORIZED")
    result = q1(builder)
    assert result.status is Status.MISSING
    assert "no webhook received" in (result.hint or "")


def test_q1__a_duplicate_still_counts_as_verified(builder: LogBuilder) -> None:
    answer = {"verdict": "verified", "reason": "duplicate", "duplicate": True}
    builder.add("webhook_delivery", "POST", RECEIVER, 200, None, answer, "acme-order-1")
    builder.get("acme-order-1", "AUTHORIZED")
    assert q1(builder).status is Status.MET
