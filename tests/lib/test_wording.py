"""lib.wording: final states, nothing to send, cancel by state, refusals and lost answers."""

from __future__ import annotations

import pytest

from lib.epayment.models import Aggregate, Money, Payment, PaymentState
from lib.exchange import Exchange
from lib.wording import (
    cancel_outlook,
    currency_of,
    final_outcome,
    in_kroner,
    no_response_message,
    nothing_left,
)


def agg(authorized=0, captured=0, refunded=0, cancelled=0, currency="NOK") -> Aggregate:
    def m(value: int) -> Money:
        return Money(value, currency)

    return Aggregate(m(authorized), m(captured), m(refunded), m(cancelled))


def test_final_outcome__one_message_per_final_state() -> None:
    assert final_outcome(PaymentState.CREATED) is None and final_outcome(None) is None
    assert final_outcome(PaymentState.AUTHORIZED)[0] == "success"
    assert final_outcome(PaymentState.ABORTED) == (
        "warning",
        "The payment is ABORTED: the customer rejected it: nothing is reserved.",
    )
    kind, said = final_outcome(PaymentState.EXPIRED)
    assert kind == "warning" and "in time" in said
    assert final_outcome(PaymentState.TERMINATED)[0] == "info"


def test_nothing_left__names_the_amounts_when_there_is_nothing_to_send() -> None:
    assert nothing_left("capture", agg(1000, captured=400)) is None
    assert nothing_left("capture", agg(1000, captured=400, cancelled=600)) == (
        "Nothing left to capture: authorized NOK 10.00, captured NOK 4.00, cancelled NOK 6.00."
    )
    assert nothing_left("refund", agg(1000, captured=400, refunded=100)) is None
    assert nothing_left("refund", agg(1000, captured=400, refunded=400, currency="DKK")) == (
        "Nothing left to refund: captured DKK 4.00, refunded DKK 4.00."
    )


@pytest.mark.parametrize(
    ("state", "aggregate", "starts", "accepted"),
    [
        (PaymentState.CREATED, agg(), "Not approved yet", True),
        (PaymentState.AUTHORIZED, agg(1000, captured=300), "Cancelling releases everything", True),
        (PaymentState.AUTHORIZED, agg(1000, captured=1000), "Nothing left to release", True),
        (PaymentState.ABORTED, agg(), "The customer rejected", False),
        (PaymentState.EXPIRED, agg(), "Nobody approved", False),
        (PaymentState.TERMINATED, agg(), "Already cancelled", False),
    ],
)
def test_cancel_outlook__by_state(state, aggregate, starts: str, accepted: bool) -> None:
    said, ok = cancel_outlook(Payment("ref-12345678", state, Money(1000), aggregate))
    assert said.startswith(starts) and ok is accepted


def test_cancel_outlook__names_the_remainder() -> None:
    payment = Payment("ref-12345678", PaymentState.AUTHORIZED, Money(1000), agg(1000, captured=300))
    assert "**NOK 7.00**" in cancel_outlook(payment)[0]


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


def test_no_response_message__host_and_port_in_plain_words() -> None:
    raw = "ConnectionError: HTTPConnectionPool(...): Max retries exceeded ([Errno 111])"
    said = no_response_message("http://127.0.0.1:9/accesstoken/get", raw)
    assert said == "Could not connect to 127.0.0.1:9 — is the server running and the URL right?"
    write = no_response_message("https://h.example/epayment/v1/payments", raw, idempotent=True)
    assert write.endswith("Retrying with the same Idempotency-Key is safe.")
    assert "did not answer in time" in no_response_message("http://h:1", "ReadTimeout: x")


def test_token_refusal_names_what_a_token_call_can_get_wrong() -> None:
    from lib.wording import token_refusal

    missing = token_refusal(404, "http://127.0.0.1:9000/x/accesstoken/get", "Not Found")
    assert missing.startswith("The access token request to 127.0.0.1:9000 was refused (404)")
    assert "base URL" in missing and "reference" not in missing
    assert "client_secret" in token_refusal(401, "https://apitest.vipps.no/accesstoken/get")
    assert "try again" in token_refusal(503, "https://apitest.vipps.no/accesstoken/get")
    assert token_refusal(418, "https://h/accesstoken/get") == (
        "The access token request to h was refused (418)"
    )
