"""createPayment and modification bodies: every rule of the spec and its prose, by plain calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from simulator import exceptions as ex
from simulator.validation import REFERENCE_REASON
from tests.simulator.backend_helpers import MSN, authorized, body, make_backend

RECEIPT = {"orderLines": [{"name": "Socks"}], "bottomLine": {"currency": "NOK"}}


def _at(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def refuse(data: Any, *, key: str = "k") -> ex.ProblemError:
    with pytest.raises(ex.ProblemError) as info:
        make_backend().create_payment(MSN, data, key)
    return info.value


FIELD_CASES = [
    ("reference", {"reference": "short"}),
    ("reference", {"reference": "has space in it"}),
    ("reference", {"reference": "x" * 65}),
    ("reference", {"reference": 12345678}),
    ("amount", {"amount": None}),
    ("amount", {"amount": "1000"}),
    ("amount.value", {"amount": {"value": "1000", "currency": "NOK"}}),
    ("amount.value", {"amount": {"value": True, "currency": "NOK"}}),
    ("amount.value", {"amount": {"value": -1, "currency": "NOK"}}),
    ("amount.value", {"amount": {"value": 65_000_001, "currency": "NOK"}}),
    ("amount.currency", {"amount": {"value": 1000, "currency": "XYZ"}}),
    ("amount.currency", {"amount": {"value": 1000}}),
    ("userFlow", {"userFlow": "TELEPATHY"}),
    ("userFlow", {"userFlow": None}),
    ("paymentMethod", {"paymentMethod": None}),
    ("paymentMethod.type", {"paymentMethod": {"type": "CASH"}}),
    ("paymentDescription", {"paymentDescription": "ab"}),
    ("paymentDescription", {"paymentDescription": "x" * 101}),
    ("customer", {"customer": {"phoneNumber": "4712345678", "personalQr": "abcdef"}}),
    ("customer", {"customer": {}}),
    ("qrFormat", {"qrFormat": {"format": "IMAGE/PNG"}}),
    ("qrFormat.format", {"userFlow": "QR", "qrFormat": {"format": "IMAGE/GIF"}}),
    ("qrFormat.size", {"userFlow": "QR", "qrFormat": {"format": "IMAGE/PNG", "size": 99}}),
    ("customerInteraction", {"customerInteraction": "MAYBE"}),
    ("minimumUserAge", {"minimumUserAge": 101}),
    ("metadata.a", {"metadata": {"a": 1}}),
    ("expiresAt", {"expiresAt": "tomorrow"}),
    ("expiresAt", {"expiresAt": _at(timedelta(hours=1)), "receipt": RECEIPT}),
    ("receipt.orderLines", {"receipt": {"orderLines": [], "bottomLine": {"currency": "NOK"}}}),
]


@pytest.mark.parametrize(("field", "change"), FIELD_CASES)
def test_create_payment__schema_errors_name_the_field(field: str, change: dict[str, Any]) -> None:
    problem = refuse(body(**change))
    assert problem.status == 400 and problem.code is None
    assert problem.extra_details()[0]["name"] == field  # type: ignore[index]


def test_create_payment__reference_reason_quotes_the_regex() -> None:
    problem = refuse(body(reference="bad ref!"))
    assert problem.to_problem("/epayment/v1/payments")["extraDetails"] == [
        {"name": "reference", "reason": REFERENCE_REASON}
    ]
    assert REFERENCE_REASON.endswith("regular expression '^[a-zA-Z0-9-]{8,64}$'.")


def test_create_payment__body_not_an_object() -> None:
    assert refuse(["not", "an", "object"]).extra_details()[0]["name"] == "body"  # type: ignore[index]


@pytest.mark.parametrize(
    ("code", "change"),
    [
        ("4040", {"amount": {"value": 10.5, "currency": "NOK"}}),
        ("6010", {"amount": {"value": 99, "currency": "NOK"}}),
        ("5040", {"amount": {"value": 1000, "currency": "DKK"}}),
        ("4070", {"customer": {"phoneNumber": "+47 12345678"}}),
        ("4070", {"customer": {"phoneNumber": "12345678"}}),
        ("4060", {"customer": {"personalQr": "abc"}}),
        ("4050", {"customer": {"customerToken": ""}}),
        ("4090", {"returnUrl": "not a url"}),
        ("4090", {"returnUrl": "https://example.com/" + "x" * 2500}),
        ("4140", {"returnUrl": None}),
        ("4140", {"userFlow": "PUSH_MESSAGE", "returnUrl": None}),
        ("4160", {"paymentMethod": {"type": "CARD"}}),
        ("4160", {"paymentMethod": {"type": "CARD"}, "userFlow": "QR"}),
        ("4100", {"metadata": {str(i): "v" for i in range(6)}}),
        ("4120", {"metadata": {"k" * 101: "v"}}),
        ("4130", {"metadata": {"k": "v" * 501}}),
        ("4080", {"profile": {"scope": "name shoeSize"}}),
        ("5030", {"profile": {"scope": "name nin"}}),
        ("5010", {"paymentMethod": {"type": "WALLET", "blockedSources": ["COMMERCIAL_CARDS"]}}),
        ("5020", {"shipping": {"fixedOptions": []}}),
        ("6130", {"userFlow": "QR", "expiresAt": _at(timedelta(hours=1))}),
        ("6120", {"userFlow": "QR", "expiresAt": _at(timedelta(minutes=5)), "receipt": RECEIPT}),
        ("6110", {"userFlow": "QR", "expiresAt": _at(timedelta(days=61)), "receipt": RECEIPT}),
    ],
)
def test_create_payment__domain_errors_carry_the_code(code: str, change: dict[str, Any]) -> None:
    data = body(**change)
    for name, value in change.items():
        if value is None:
            del data[name]
    problem = refuse(data)
    assert problem.code == code, problem.detail
    assert problem.extra_details() == [{"name": "ErrorCode", "reason": code}]


@pytest.mark.parametrize(
    "change",
    [
        {"reference": "a" * 64},  # 51-64 characters: accepted by 1.8.1 (1.4.1 said 50)
        {"reference": "12345678"},
        {"customer": {"phoneNumber": "471234567"}},  # 9 digits: 1.8.1
        {"amount": {"value": 65_000_000, "currency": "NOK"}},
        {"amount": {"value": 100, "currency": "NOK"}},
        {"paymentDescription": "abc"},
        {"returnUrl": "myapp://order/1"},
        {"metadata": {str(i): "v" for i in range(5)}},
        {"userFlow": "QR", "qrFormat": {"format": "IMAGE/PNG", "size": 2000}},
        {"userFlow": "NATIVE_REDIRECT"},
        {"profile": {"scope": "name email phoneNumber"}},
        {"someFutureField": {"ignored": True}},
        {"userFlow": "QR", "expiresAt": _at(timedelta(days=2)), "receipt": RECEIPT},
    ],
)
def test_create_payment__accepts_the_wider_limits(change: dict[str, Any]) -> None:
    data = body(**change)
    assert make_backend().create_payment(MSN, data, "k")["reference"] == data["reference"]


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        {"modificationAmount": None},
        {"modificationAmount": {"value": "100", "currency": "NOK"}},
        {"modificationAmount": {"value": 100}},
        {"modificationAmount": {"value": -5, "currency": "NOK"}},
    ],
)
def test_capture_payment__bad_bodies(data: Any) -> None:
    backend = make_backend()
    reference = authorized(backend)
    with pytest.raises(ex.ValidationFailed):
        backend.capture_payment(MSN, reference, data, "cap")


def test_capture_payment__zero_amount() -> None:
    backend = make_backend()
    reference = authorized(backend)
    with pytest.raises(ex.InvalidAmount):
        backend.capture_payment(
            MSN, reference, {"modificationAmount": {"value": 0, "currency": "NOK"}}, "c"
        )


def test_cancel_payment__bad_flag() -> None:
    backend = make_backend()
    reference = authorized(backend)
    with pytest.raises(ex.ValidationFailed):
        backend.cancel_payment(MSN, reference, {"cancelTransactionOnly": "yes"})


def test_force_approve__bad_phone() -> None:
    backend = make_backend()
    reference = body()["reference"]
    with pytest.raises(ex.InvalidPhoneNumber):
        backend.force_approve(MSN, reference, {"customer": {"phoneNumber": "abc"}})
