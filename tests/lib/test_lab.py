"""lib.lab and lib.qr: setup form to Settings, token view, log filters, curl examples, QR codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from lib.exchange import Exchange
from lib.lab import (
    countdown,
    create_body,
    currency_of,
    example_call,
    filter_log,
    in_kroner,
    mask,
    no_response_message,
    settings_from_form,
    simulator_act,
    status_class,
    token_info,
)
from lib.qr import qr_png, qr_svg
from lib.recorder import to_curl
from lib.settings import Settings, SettingsError

GUID = "00000000-0000-0000-0000-000000000001"


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


def test_mask__never_shows_more_than_the_start() -> None:
    token = "eyJ0" + "x" * 500
    assert mask(token) == "eyJ0…•••• (504 chars)"
    assert mask("short") == "•••••"
    assert mask(None) == "(not set)"


def test_token_info_and_countdown() -> None:
    info = token_info({"access_token": "eyJ0abcdefghijk", "expires_in": "3600"}, now=1000.0)
    assert info["expires_at"] == 4600.0 and info["masked"].startswith("eyJ0…")
    assert countdown(3725) == "1:02:05" and countdown(59.5) == "0:59" and countdown(0) == "expired"


def test_filter_log__by_step_status_and_reference() -> None:
    frame = pd.DataFrame(
        {
            "step": ["create", "capture", "status", None],
            "status": pd.array([201, 400, 200, None], dtype="Int64"),
            "reference": ["ref-a", "ref-a", "ref-b", None],
        }
    )
    assert list(filter_log(frame, steps=["capture"])["status"]) == [400]
    assert len(filter_log(frame, statuses=["2xx"])) == 2
    assert len(filter_log(frame, statuses=["no response"])) == 1
    assert list(filter_log(frame, reference="ref-b")["step"]) == ["status"]
    assert status_class(503) == "5xx"


@pytest.mark.parametrize("step", ["token", "create", "complete", "status", "capture", "cancel"])
def test_example_call__has_placeholders_not_secrets(step: str) -> None:
    example = example_call(step, "https://apitest.vipps.no", "123456", None)
    curl = to_curl(example)
    assert curl.startswith("curl -X ")
    assert "<reference>" in curl or step in ("token", "create")
    assert "Merchant-Serial-Number: 123456" in curl


def test_simulator_act__explains_a_refusal(simulator) -> None:
    unit = simulator.sales_units[0]
    msn = unit.merchant_serial_number
    problem = simulator_act(simulator.base_url, msn, "nope-123456", "approve")
    assert problem is not None and "refused to approve" in problem


def test_qr_codes() -> None:
    png = qr_png("https://example.com/landing?token=abc")
    assert png.startswith(b"\x89PNG")
    assert b"<svg" in qr_svg("https://example.com/landing?token=abc")
    with pytest.raises(ValueError):
        qr_png("")


def test_in_kroner__adds_kroner_to_minor_amounts_in_a_refusal() -> None:
    said = "Capture refused: Capture amount 5000 is higher than the capturable amount 1000"
    assert in_kroner(said) == (
        "Capture refused: Capture amount 5000 (NOK 50.00) is higher than the capturable "
        "amount 1000 (NOK 10.00)"
    )
    assert in_kroner("Minimum amount is 100", "DKK") == "Minimum amount is 100 (DKK 1.00)"
    assert in_kroner(in_kroner("amount 5")) == "amount 5 (NOK 0.05)"  # never twice
    assert in_kroner("Reference exists (409)") == "Reference exists (409)"


def test_currency_of__reads_the_request_amount() -> None:
    capture = Exchange("POST", "u", "capture_payment", request_body='{"modificationAmount": '
                       '{"currency": "EUR", "value": 1}}')  # fmt: skip
    assert currency_of(capture) == "EUR"
    assert currency_of(Exchange("POST", "u", "cancel_payment"), "DKK") == "DKK"
    assert currency_of(None) == "NOK"


def test_settings_from_form__custom_names_the_form_fields() -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from_form(Settings(), "custom", base_url="", client_id="", client_secret="",
                           subscription_key="", merchant_serial_number="12")  # fmt: skip
    said = " ".join(caught.value.problems)
    assert said.startswith("Fill in Base URL, client_id, client_secret, Ocp-Apim-Subscription-Key.")
    assert "Merchant-Serial-Number (MSN): '12' must be 4-10 digits" in said
    assert "EPAYMENT_LAB_" not in said and "secrets.toml" not in said


def test_no_response_message__host_and_port_in_plain_words() -> None:
    raw = "ConnectionError: HTTPConnectionPool(...): Max retries exceeded ([Errno 111])"
    said = no_response_message("http://127.0.0.1:9/accesstoken/get", raw)
    assert said == "Could not connect to 127.0.0.1:9 — is the server running and the URL right?"
    write = no_response_message("https://h.example/epayment/v1/payments", raw, idempotent=True)
    assert write.endswith("Retrying with the same Idempotency-Key is safe.")
    assert "did not answer in time" in no_response_message("http://h:1", "ReadTimeout: x")


def test_example_call__follows_the_form_body() -> None:
    kwargs = {"amount": 2550, "currency": "DKK", "phone_number": "4798765432",
              "reference": "epl-form-ref-1", "user_flow": "QR"}  # fmt: skip
    call = example_call("create", "https://h", "123456", None, create_body(kwargs))
    body = json.loads(call.request_body)
    assert body["amount"] == {"currency": "DKK", "value": 2550}
    assert body["customer"] == {"phoneNumber": "4798765432"}
    assert body["reference"] == "epl-form-ref-1" and "returnUrl" not in body
    quick_start = json.loads(example_call("create", "https://h", "123456", None).request_body)
    assert quick_start["amount"]["value"] == 1000  # without a form body: the quick start's
