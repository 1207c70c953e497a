"""Mapping error responses to typed exceptions with actionable messages."""

import json

import pytest

from lib.epayment.errors import (
    AuthError,
    ConflictError,
    EPaymentError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    ValidationError,
    error_from_response,
)

CAPTURE_6080 = {
    "type": "https://httpstatuses.io/400",
    "title": "Cannot capture before reservation",
    "detail": "The amount you tried to capture is not reserved.",
    "status": 400,
    "extraDetails": [{"name": "ErrorCode", "reason": "6080"}],
    "traceId": "00-813b63975adcaaeef2b0ec7c103c40e3-706492e906541d31-01",
}


def error(status: int, body: object, operation: str = "capture_payment") -> EPaymentError:
    text = body if isinstance(body, str) else json.dumps(body)
    return error_from_response(operation=operation, status=status, body=text, retry_after=4.0)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ValidationError),
        (422, ValidationError),
        (401, AuthError),
        (403, AuthError),
        (404, NotFoundError),
        (409, ConflictError),
        (423, ConflictError),
        (429, RateLimitedError),
        (500, ServerError),
        (503, ServerError),
    ],
)
def test_status_maps_to_class(status: int, cls: type) -> None:
    assert type(error(status, {"title": "x", "status": status})) is cls


def test_domain_error_carries_code_trace_and_an_actionable_message() -> None:
    err = error(400, CAPTURE_6080)
    assert err.error_code == "6080"
    assert err.trace_id == CAPTURE_6080["traceId"]
    assert err.problem["title"] == "Cannot capture before reservation"
    text = str(err)
    expected = "Capture refused (400, ErrorCode 6080 'Cannot capture before reservation')"
    assert text.startswith(expected)
    assert "approve the payment first" in text
    assert CAPTURE_6080["traceId"] in text


def test_schema_error_names_the_fields() -> None:
    body = {
        "title": "Bad Request",
        "status": 400,
        "detail": "See extraDetails for further details",
        "extraDetails": [{"name": "reference", "reason": "must match '^[a-zA-Z0-9-]{8,64}$'"}],
    }
    err = error(400, body, "create_payment")
    assert isinstance(err, ValidationError)
    assert err.fields == ["reference"]
    assert err.error_code is None
    assert "reference: must match" in str(err)


def test_token_api_azure_shape_is_an_auth_error_even_as_400() -> None:
    body = {
        "error": "unauthorized_client",
        "error_description": "AADSTS700016: Application with identifier 'x' was not found",
        "error_codes": [700016],
        "trace_id": "abc",
    }
    err = error(400, body, "access_token")
    assert isinstance(err, AuthError)
    assert err.problem["detail"].startswith("AADSTS700016")
    assert err.trace_id == "abc"
    assert "Access token request refused" in str(err)


def test_gateway_subscription_key_message_and_non_json_bodies() -> None:
    msg = "Access denied due to invalid subscription key."
    err = error(401, {"statusCode": 401, "message": msg}, "get_payment")
    assert isinstance(err, AuthError) and msg in str(err)
    plain = error(502, "<html>Bad gateway</html>")
    assert isinstance(plain, ServerError) and plain.problem["detail"].startswith("<html>")


def test_rate_limited_keeps_retry_after() -> None:
    err = error(429, {"title": "Too Many Requests", "status": 429})
    assert isinstance(err, RateLimitedError) and err.retry_after == 4.0


def test_token_refusal__names_the_keys_or_address_never_a_reference() -> None:
    for status, said in ((401, "client_secret"), (404, "base URL")):
        err = error_from_response(
            operation="access_token", status=status, body='{"error": "x"}', retry_after=None
        )
        assert said in str(err) and "reference" not in str(err)
    get = error_from_response(operation="get_payment", status=404, body="{}", retry_after=None)
    assert "reference" in str(get)
