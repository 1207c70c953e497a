"""The payment state machine by plain backend calls (no HTTP), one operation per test."""

from __future__ import annotations

import pytest

from simulator import EPaymentBackend
from simulator import exceptions as ex
from tests.simulator.backend_helpers import (
    MSN,
    agg,
    amount,
    authorized,
    body,
    created,
    make_backend,
)


def names(backend: EPaymentBackend, reference: str) -> list[str]:
    return [e["name"] for e in backend.get_payment_event_log(MSN, reference)]


def test_create_payment() -> None:
    backend = make_backend()
    data = body()
    result = backend.create_payment(MSN, data, "key-1")
    assert result["reference"] == data["reference"]
    assert result["redirectUrl"].startswith("http://127.0.0.1/landing?token=")
    payment = backend.get_payment(MSN, data["reference"])
    assert payment["state"] == "CREATED" and agg(backend, data["reference"]) == {
        "authorized": 0,
        "cancelled": 0,
        "captured": 0,
        "refunded": 0,
    }


def test_create_payment__push_message_has_no_redirect_url() -> None:
    backend = make_backend()
    data = body(userFlow="PUSH_MESSAGE", customer={"phoneNumber": "4712345678"})
    del data["returnUrl"]
    assert "redirectUrl" not in backend.create_payment(MSN, data, "key-1")


def test_create_payment__qr_points_at_an_image() -> None:
    backend = make_backend()
    result = backend.create_payment(MSN, body(userFlow="QR"), "k")
    assert "/qr?token=" in result["redirectUrl"]
    target = backend.create_payment(
        MSN, body(userFlow="QR", qrFormat={"format": "TEXT/TARGETURL"}), "k2"
    )
    assert "/landing?token=" in target["redirectUrl"]


def test_create_payment__idempotent_replay() -> None:
    backend = make_backend()
    data = body()
    first = backend.create_payment(MSN, data, "same-key")
    assert backend.create_payment(MSN, dict(data), "same-key") == first
    assert names(backend, data["reference"]) == ["CREATED"]


def test_create_payment__same_key_other_body() -> None:
    backend = make_backend()
    backend.create_payment(MSN, body(), "same-key")
    with pytest.raises(ex.IdempotencyError) as info:
        backend.create_payment(MSN, body(), "same-key")
    assert info.value.status == 409 and info.value.code == "4020"


def test_create_payment__reused_reference() -> None:
    backend = make_backend()
    data = body()
    backend.create_payment(MSN, data, "key-1")
    with pytest.raises(ex.ReferenceExists) as info:
        backend.create_payment(MSN, data, "key-2")
    assert info.value.status == 409 and info.value.code == "4150"
    assert str(info.value) == f"Reference `{data['reference']}` already exists"


def test_create_payment__same_reference_other_sales_unit() -> None:
    backend = make_backend()
    data = body()
    backend.create_payment(MSN, data, "key-1")
    dkk = body(reference=data["reference"], amount={"value": 1000, "currency": "DKK"})
    backend.create_payment("123457", dkk, "key-1")
    assert backend.get_payment("123457", data["reference"])["amount"]["currency"] == "DKK"


def test_create_payment__4xx_is_sticky() -> None:
    backend = make_backend()
    data = body(value=50)
    with pytest.raises(ex.AmountTooSmall) as first:
        backend.create_payment(MSN, data, "bad-key")
    with pytest.raises(ex.AmountTooSmall) as second:
        backend.create_payment(MSN, data, "bad-key")
    assert first.value is second.value  # same traceId on replay


def test_get_payment__unknown_reference() -> None:
    with pytest.raises(ex.ReferenceNotFound) as info:
        make_backend().get_payment(MSN, "missing-ref")
    assert info.value.code == "5090" and info.value.status == 404
    assert str(info.value) == f"The reference `missing-ref` does not exist for MSN {MSN}"


def test_get_payment__invisible_to_other_sales_unit() -> None:
    backend = make_backend()
    reference = created(backend)
    with pytest.raises(ex.ReferenceNotFound):
        backend.get_payment("123457", reference)


def test_force_approve() -> None:
    backend = make_backend()
    reference = created(backend)
    assert (
        backend.force_approve(MSN, reference, {"customer": {"phoneNumber": "4712345678"}}) is None
    )
    payment = backend.get_payment(MSN, reference)
    assert payment["state"] == "AUTHORIZED" and payment["paymentMethod"]["cardBin"] == "429198"
    assert agg(backend, reference)["authorized"] == 1000
    assert names(backend, reference) == ["CREATED", "AUTHORIZED"]


def test_force_approve__twice() -> None:
    backend = make_backend()
    reference = authorized(backend)
    with pytest.raises(ex.AlreadyReserved) as info:
        backend.force_approve(MSN, reference)
    assert info.value.code == "6230"


def test_force_approve__wrong_token() -> None:
    backend = make_backend()
    reference = created(backend)
    with pytest.raises(ex.ApproveFailed):
        backend.force_approve(MSN, reference, {"token": "not-the-token"})


def test_force_approve__with_redirect_token() -> None:
    backend = make_backend()
    data = body()
    url = backend.create_payment(MSN, data, "k")["redirectUrl"]
    backend.force_approve(MSN, data["reference"], {"token": url.split("token=")[1]})
    assert backend.get_payment(MSN, data["reference"])["state"] == "AUTHORIZED"


def test_force_approve__after_expiry() -> None:
    backend = make_backend()
    reference = created(backend)
    backend.clock.advance(601)
    with pytest.raises(ex.ApproveNotAllowed) as info:
        backend.force_approve(MSN, reference)
    assert info.value.code == "10020"


def test_capture_payment() -> None:
    backend = make_backend()
    reference = authorized(backend)
    result = backend.capture_payment(MSN, reference, amount(1000), "cap-1")
    assert (
        result["state"] == "AUTHORIZED" and result["aggregate"]["capturedAmount"]["value"] == 1000
    )
    assert result["pspReference"] == backend.get_payment(MSN, reference)["pspReference"]


def test_capture_payment__partial() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(300), "cap-1")
    backend.capture_payment(MSN, reference, amount(700), "cap-2")
    assert agg(backend, reference)["captured"] == 1000
    events = backend.get_payment_event_log(MSN, reference)
    assert [(e["name"], e["amount"]["value"], e["idempotencyKey"]) for e in events[2:]] == [
        ("CAPTURED", 300, "cap-1"),
        ("CAPTURED", 700, "cap-2"),
    ]
    assert len({e["pspReference"] for e in events}) == 4


def test_capture_payment__before_approval() -> None:
    backend = make_backend()
    reference = created(backend)
    with pytest.raises(ex.CaptureBeforeReservation) as info:
        backend.capture_payment(MSN, reference, amount(100), "cap-1")
    assert info.value.code == "6080" and info.value.title == "Cannot capture before reservation"


def test_capture_payment__above_authorized() -> None:
    backend = make_backend()
    reference = authorized(backend)
    with pytest.raises(ex.CaptureAmountTooHigh) as info:
        backend.capture_payment(MSN, reference, amount(1001), "cap-1")
    assert info.value.code == "6090"
    assert agg(backend, reference)["captured"] == 0


def test_capture_payment__already_fully_captured() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(1000), "cap-1")
    with pytest.raises(ex.AlreadyCaptured):
        backend.capture_payment(MSN, reference, amount(1), "cap-2")


def test_capture_payment__after_cancel() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(250), "cap-1")
    backend.cancel_payment(MSN, reference)
    with pytest.raises(ex.CannotCaptureCancelled) as info:
        backend.capture_payment(MSN, reference, amount(1), "cap-2")
    assert info.value.code == "6070"


def test_capture_payment__aborted() -> None:
    backend = make_backend()
    reference = created(backend)
    backend.reject(MSN, reference)
    with pytest.raises(ex.CannotBeCaptured):
        backend.capture_payment(MSN, reference, amount(1), "cap-1")


def test_capture_payment__wrong_currency() -> None:
    backend = make_backend()
    reference = authorized(backend)
    with pytest.raises(ex.ValidationFailed) as info:
        backend.capture_payment(
            MSN,
            reference,
            amount(100) | {"modificationAmount": {"value": 100, "currency": "DKK"}},
            "cap-1",
        )
    assert info.value.errors[0][0] == "modificationAmount.currency"


def test_capture_payment__same_key_other_amount() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(100), "cap-1")
    with pytest.raises(ex.CaptureIdempotencyConflict) as info:
        backend.capture_payment(MSN, reference, amount(200), "cap-1")
    assert info.value.status == 409 and info.value.code == "4010"


def test_capture_payment__replay_moves_money_once() -> None:
    backend = make_backend()
    reference = authorized(backend)
    first = backend.capture_payment(MSN, reference, amount(100), "cap-1")
    assert backend.capture_payment(MSN, reference, amount(100), "cap-1") == first
    assert agg(backend, reference)["captured"] == 100


def test_capture_payment__full_amount_required() -> None:
    from dataclasses import replace

    from simulator import DEFAULT_SALES_UNIT, EPaymentBackend

    backend = EPaymentBackend([replace(DEFAULT_SALES_UNIT, allow_partial_capture=False)])
    reference = authorized(backend)
    with pytest.raises(ex.MustCaptureFullAmount) as info:
        backend.capture_payment(MSN, reference, amount(500), "cap-1")
    assert info.value.code == "6140"
    backend.capture_payment(MSN, reference, amount(1000), "cap-2")


def test_refund_payment() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(600), "cap-1")
    result = backend.refund_payment(MSN, reference, amount(600), "ref-1")
    assert result["state"] == "AUTHORIZED" and result["aggregate"]["refundedAmount"]["value"] == 600


def test_refund_payment__partial() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(600), "cap-1")
    backend.refund_payment(MSN, reference, amount(200), "ref-1")
    backend.refund_payment(MSN, reference, amount(400), "ref-2")
    assert agg(backend, reference) == {
        "authorized": 1000,
        "cancelled": 0,
        "captured": 600,
        "refunded": 600,
    }


def test_refund_payment__above_captured() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(300), "cap-1")
    with pytest.raises(ex.NotEnoughRefundable) as info:
        backend.refund_payment(MSN, reference, amount(301), "ref-1")
    assert info.value.code == "6150"


def test_refund_payment__before_approval() -> None:
    backend = make_backend()
    reference = created(backend)
    with pytest.raises(ex.RefundBeforeReservation) as info:
        backend.refund_payment(MSN, reference, amount(100), "ref-1")
    assert info.value.code == "6020"


def test_refund_payment__already_refunded() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(300), "cap-1")
    backend.refund_payment(MSN, reference, amount(300), "ref-1")
    with pytest.raises(ex.AlreadyRefunded):
        backend.refund_payment(MSN, reference, amount(1), "ref-2")


def test_refund_payment__same_key_other_amount() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(300), "cap-1")
    backend.refund_payment(MSN, reference, amount(100), "ref-1")
    with pytest.raises(ex.RefundIdempotencyConflict) as info:
        backend.refund_payment(MSN, reference, amount(150), "ref-1")
    assert info.value.code == "4150"


def test_refund_payment__magic_amount_fails() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(300), "cap-1")
    with pytest.raises(ex.RefundNotPossible):
        backend.refund_payment(MSN, reference, amount(123), "ref-1")
    last = backend.get_payment_event_log(MSN, reference)[-1]
    assert last["name"] == "REFUNDED" and last["success"] is False
    assert agg(backend, reference)["refunded"] == 0


def test_cancel_payment__before_approval() -> None:
    backend = make_backend()
    reference = created(backend)
    result = backend.cancel_payment(MSN, reference)
    assert result["state"] == "TERMINATED"
    assert result["aggregate"]["cancelledAmount"]["value"] == 1000
    assert result["aggregate"]["authorizedAmount"]["value"] == 0
    assert names(backend, reference) == ["CREATED", "TERMINATED"]


def test_cancel_payment__after_partial_capture() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(250), "cap-1")
    result = backend.cancel_payment(MSN, reference)
    assert result["state"] == "AUTHORIZED"
    assert agg(backend, reference) == {
        "authorized": 1000,
        "cancelled": 750,
        "captured": 250,
        "refunded": 0,
    }
    last = backend.get_payment_event_log(MSN, reference)[-1]
    assert last["name"] == "CANCELLED" and last["amount"]["value"] == 750
    assert last["idempotencyKey"] is None


def test_cancel_payment__after_full_capture() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(1000), "cap-1")
    with pytest.raises(ex.CannotCancelCaptured) as info:
        backend.cancel_payment(MSN, reference)
    assert info.value.code == "6040"


def test_cancel_payment__twice() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.cancel_payment(MSN, reference)
    with pytest.raises(ex.CannotBeCancelled):
        backend.cancel_payment(MSN, reference)


def test_cancel_payment__transaction_only_when_authorized() -> None:
    backend = make_backend()
    reference = authorized(backend)
    with pytest.raises(ex.CannotCancelAuthorized) as info:
        backend.cancel_payment(MSN, reference, {"cancelTransactionOnly": True})
    assert info.value.code == "6060" and agg(backend, reference)["cancelled"] == 0


def test_cancel_payment__transaction_only_when_created() -> None:
    backend = make_backend()
    reference = created(backend)
    assert (
        backend.cancel_payment(MSN, reference, {"cancelTransactionOnly": True})["state"]
        == "TERMINATED"
    )


def test_cancel_payment__idempotency_key_honoured() -> None:
    backend = make_backend()
    reference = authorized(backend)
    first = backend.cancel_payment(MSN, reference, None, "cancel-1")
    assert backend.cancel_payment(MSN, reference, None, "cancel-1") == first
    assert backend.get_payment_event_log(MSN, reference)[-1]["idempotencyKey"] == "cancel-1"


def test_refund_payment__after_cancel_of_remainder() -> None:
    backend = make_backend()
    reference = authorized(backend)
    backend.capture_payment(MSN, reference, amount(400), "cap-1")
    backend.cancel_payment(MSN, reference)
    backend.refund_payment(MSN, reference, amount(400), "ref-1")
    assert agg(backend, reference) == {
        "authorized": 1000,
        "cancelled": 600,
        "captured": 400,
        "refunded": 400,
    }
