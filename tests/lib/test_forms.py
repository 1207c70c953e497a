"""lib.forms: the create form checked the way the API would, and the setup form to Settings."""

from __future__ import annotations

import pytest

from lib.forms import CreateForm, check_create, problem_field_errors, settings_from_form
from lib.settings import Settings, SettingsError

GUID = "00000000-0000-0000-0000-000000000001"


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
        ({"reference": "short"}, "reference", "8 to 64 characters"),
        ({"reference": "has space-123"}, "reference", "only letters"),
        ({"amount": "0.99"}, "amount", "at least NOK 1.00"),
        ({"amount": "10.001"}, "amount", "2 decimals"),
        ({"amount": "ten"}, "amount", "not an amount"),
        ({"amount": "650000.01"}, "amount", "at most NOK 650,000.00"),
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
        ("ABC-123", "Reference: 8 to 64 characters, got 7."),
        ("ÆØÅ-ref", "Reference: not allowed: 'Æ', 'Ø', 'Å' (only letters A-Z and a-z, digits and "
                    "'-'); 8 to 64 characters, got 7."),
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


def test_settings_from_form__test_target_keeps_secrets_left_empty() -> None:
    current = Settings(
        target="test", client_id=GUID, client_secret="s3cret-value", subscription_key="sub-key-1",
        merchant_serial_number="123456",
    )  # fmt: skip
    new = settings_from_form(
        current, "test", client_id=GUID, merchant_serial_number="654321", client_secret="",
        subscription_key="", base_url="https://ignored.example",
    )  # fmt: skip
    assert new.base_url == "https://apitest.vipps.no"
    assert new.client_secret == "s3cret-value" and new.merchant_serial_number == "654321"


def test_settings_from_form__names_every_problem() -> None:
    with pytest.raises(SettingsError) as err:
        settings_from_form(Settings(), "test", client_id="x", merchant_serial_number="12")
    text = str(err.value)
    assert "client_secret" in text and "4-10 digits" in text


def test_settings_from_form__custom_url() -> None:
    new = settings_from_form(
        Settings(), "custom", base_url="http://localhost:9999/", client_id="me",
        client_secret="secret-1", subscription_key="key-12", merchant_serial_number="1234",
    )  # fmt: skip
    assert new.base_url == "http://localhost:9999"


def test_settings_from_form__custom_names_the_form_fields() -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from_form(Settings(), "custom", base_url="", client_id="", client_secret="",
                           subscription_key="", merchant_serial_number="12")  # fmt: skip
    said = " ".join(caught.value.problems)
    assert said.startswith("Fill in Base URL, client_id, client_secret, Ocp-Apim-Subscription-Key.")
    assert "Merchant-Serial-Number (MSN): '12' must be 4-10 digits" in said
    assert "EPAYMENT_LAB_" not in said and "secrets.toml" not in said


def test_amount_problem_checks_zero_negative_and_above_what_is_left() -> None:
    from lib.epayment.models import Money
    from lib.forms import amount_problem

    left = Money(1000)
    assert amount_problem(Money(1000), left, "capture") is None
    assert amount_problem(Money(1), left, "refund") is None
    assert "negative" in (amount_problem(Money(-500), left, "capture") or "")
    assert "refund it" in (amount_problem(Money(-500), left, "capture") or "")
    assert "refuses 0" in (amount_problem(Money(0), left, "capture") or "")
    assert amount_problem(Money(1001), left, "refund") == (
        "Amount: NOK 10.01 is more than the NOK 10.00 left to refund."
    )


def test_references_follow_the_spec_in_force_8_to_64() -> None:
    form = CreateForm(reference="a" * 64)
    assert "reference" not in check_create(form).errors
    assert (
        "8 to 64 characters, got 65"
        in check_create(CreateForm(reference="a" * 65)).errors["reference"]
    )
