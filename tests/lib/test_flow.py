"""lib.flow: the create form check, amounts left, progress and prerequisites of the quick start."""

from __future__ import annotations

import pytest

from lib.flow import (
    CreateForm,
    cancel_outlook,
    check_create,
    final_outcome,
    format_minor,
    missing_step,
    nothing_left,
    problem_field_errors,
    refundable,
    remaining_capturable,
    steps_done,
)


def agg(authorized: int = 0, captured: int = 0, refunded: int = 0, cancelled: int = 0) -> dict:
    def amount(value: int) -> dict:
        return {"currency": "NOK", "value": value}

    return {
        "authorizedAmount": amount(authorized),
        "capturedAmount": amount(captured),
        "refundedAmount": amount(refunded),
        "cancelledAmount": amount(cancelled),
    }


def form(**changes: str) -> CreateForm:
    values = {"reference": "epl-123456-abcdef"} | changes
    return CreateForm(**values)


def test_check_create__quick_start_defaults_pass() -> None:
    check = check_create(form(phone_number="47 12 34 56 78"))
    assert check.ok
    assert check.kwargs == {
        "amount": 1000,
        "currency": "NOK",
        "user_flow": "WEB_REDIRECT",
        "reference": "epl-123456-abcdef",
        "description": "ePayment Lab quick start",
        "return_url": "https://example.com/return",
        "phone_number": "4712345678",
    }


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"reference": "short"}, "reference", "8 to 50 characters"),
        ({"reference": "has space-123"}, "reference", "only letters"),
        ({"amount": "0.99"}, "amount", "at least NOK 1.00"),
        ({"amount": "10.001"}, "amount", "2 decimals"),
        ({"amount": "ten"}, "amount", "not an amount"),
        ({"amount": "650000.01"}, "amount", "at most"),
        ({"phone_number": "12345"}, "phone_number", "9 to 15 digits"),
        ({"user_flow": "PUSH_MESSAGE"}, "phone_number", "needed for PUSH_MESSAGE"),
        ({"return_url": ""}, "return_url", "needed so the customer comes back"),
        ({"return_url": "http://shop.example/back"}, "return_url", "use https://"),
        ({"return_url": "shop/back"}, "return_url", "a full address"),
        ({"description": "ab"}, "description", "3 to 100 characters"),
        ({"currency": "SEK"}, "currency", "one of NOK, DKK, EUR"),
    ],
)
def test_check_create__one_message_per_field(changes: dict, field: str, words: str) -> None:
    check = check_create(form(**changes))
    assert not check.ok
    assert words in check.errors[field]


def test_check_create__dkk_minimum_is_one_ore() -> None:
    assert check_create(form(currency="DKK", amount="0.01")).ok


@pytest.mark.parametrize(
    ("reference", "said"),
    [
        ("bad ref!", "Reference: not allowed: space, '!' (only letters A-Z and a-z, digits "
                     "and '-')."),
        ("ABC-123", "Reference: 8 to 50 characters, got 7."),
        ("ÆØÅ-ref", "Reference: not allowed: 'Æ', 'Ø', 'Å' (only letters A-Z and a-z, digits and "
                    "'-'); 8 to 50 characters, got 7."),
    ],
)  # fmt: skip
def test_check_create__reference_names_what_is_wrong(reference: str, said: str) -> None:
    assert check_create(form(reference=reference)).errors["reference"] == said
    assert check_create(form(reference="UPPER-case-OK-123")).ok


def test_check_create__kwargs_kept_when_the_check_fails() -> None:
    check = check_create(form(reference="bad ref!"))
    assert check.kwargs["reference"] == "bad ref!"  # "send anyway" sends what was typed


def test_problem_field_errors__maps_api_field_names() -> None:
    problem = {
        "extraDetails": [
            {"name": "Reference", "reason": "must match"},
            {"name": "ErrorCode", "reason": "4140"},
        ]
    }
    assert problem_field_errors(problem) == {"reference": "The API says: must match"}
    assert problem_field_errors(None) == {}


def test_remaining_and_refundable() -> None:
    assert remaining_capturable(agg(1000, captured=250, cancelled=0)) == 750
    assert remaining_capturable(agg(1000, captured=250, cancelled=750)) == 0
    assert refundable(agg(1000, captured=600, refunded=200)) == 400
    assert remaining_capturable(None) == 0 and refundable({}) == 0


def test_format_minor() -> None:
    assert format_minor(123456, "NOK") == "NOK 1,234.56"
    assert format_minor(None, "EUR") == "EUR 0.00"


def test_steps_done__from_marks_and_the_payment() -> None:
    assert steps_done({"setup"}, None) == {"setup"}
    created = {"state": "CREATED", "aggregate": agg()}
    assert steps_done(set(), created) == {"create"}
    moved = {"state": "AUTHORIZED", "aggregate": agg(1000, captured=400, refunded=100)}
    assert steps_done(set(), moved) == {"create", "complete", "status", "capture", "refund"}
    assert "cancel" in steps_done(set(), {"state": "TERMINATED", "aggregate": agg(cancelled=1000)})


def test_missing_step__names_the_earlier_step() -> None:
    assert missing_step("create", None, None) is None
    assert missing_step("status", None, None).key == "create"
    created = {"state": "CREATED", "aggregate": agg()}
    assert missing_step("capture", "ref-12345678", created).key == "complete"
    authorized = {"state": "AUTHORIZED", "aggregate": agg(1000)}
    assert missing_step("capture", "ref-12345678", authorized) is None
    assert missing_step("refund", "ref-12345678", authorized).key == "capture"
    assert missing_step("cancel", "ref-12345678", created) is None


def test_nothing_left__names_the_amounts_when_there_is_nothing_to_send() -> None:
    assert nothing_left("capture", agg(1000, captured=400)) is None
    assert nothing_left("capture", agg(1000, captured=400, cancelled=600)) == (
        "Nothing left to capture: authorized NOK 10.00, captured NOK 4.00, cancelled NOK 6.00."
    )
    assert nothing_left("refund", agg(1000, captured=400, refunded=100)) is None
    assert nothing_left("refund", agg(1000, captured=400, refunded=400), "DKK") == (
        "Nothing left to refund: captured DKK 4.00, refunded DKK 4.00."
    )


def test_final_outcome__one_message_per_final_state() -> None:
    assert final_outcome("CREATED") is None
    assert final_outcome("AUTHORIZED")[0] == "success"
    assert final_outcome("ABORTED") == (
        "warning",
        "The payment is ABORTED: the customer rejected it: nothing is reserved.",
    )
    assert final_outcome("EXPIRED")[0] == "warning" and "in time" in final_outcome("EXPIRED")[1]
    assert final_outcome("TERMINATED")[0] == "info"


@pytest.mark.parametrize(
    ("state", "aggregate", "starts", "accepted"),
    [
        ("CREATED", agg(), "Not approved yet", True),
        ("AUTHORIZED", agg(1000, captured=300), "Cancelling releases everything", True),
        ("AUTHORIZED", agg(1000, captured=1000), "Nothing left to release", True),
        ("ABORTED", agg(), "The customer rejected", False),
        ("EXPIRED", agg(), "Nobody approved", False),
        ("TERMINATED", agg(), "Already cancelled", False),
    ],
)
def test_cancel_outlook__by_state(state: str, aggregate: dict, starts: str, accepted: bool) -> None:
    said, ok = cancel_outlook(state, aggregate)
    assert said.startswith(starts) and ok is accepted


def test_steps_done__setup_and_token_without_their_buttons() -> None:
    assert steps_done(set(), None) == set()
    assert steps_done(set(), None, settings_ok=True) == {"setup"}
    assert steps_done(set(), None, settings_ok=True, token_ok=True) == {"setup", "token"}
