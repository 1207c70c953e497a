"""Redaction rules, one by one: header names, JSON fields, registered values, learned values."""

from __future__ import annotations

import json

from lib.exchange import Exchange
from lib.recorder.redaction import Redactor, placeholder, redact_json_fields

TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsYWIifQ.c2lnbmF0dXJl"
CLIENT_SECRET = "Zm9vYmFy+secret/value=="
SUB_KEY = "0123456789abcdef0123456789abcdef"


def _exchange(**fields: object) -> Exchange:
    base: dict[str, object] = {"method": "POST", "url": "https://x.test/p", "operation": "op"}
    base.update(fields)
    return Exchange(**base)  # type: ignore[arg-type]


def test_secret_headers_are_replaced_case_insensitively() -> None:
    headers = {
        "CLIENT_SECRET": CLIENT_SECRET,
        "ocp-apim-subscription-key": SUB_KEY,
        "authorization": f"Bearer {TOKEN}",
        "client_id": "4f8a1c2e-0000-4000-8000-000000000001",
    }
    out = Redactor().redact(_exchange(request_headers=headers)).request_headers
    assert out["CLIENT_SECRET"] == placeholder("client_secret")
    assert out["ocp-apim-subscription-key"] == placeholder("subscription_key")
    assert out["authorization"] == "Bearer «redacted:access_token»"
    assert out["client_id"] == headers["client_id"]  # an identifier, kept as evidence


def test_authorization_without_bearer_keeps_its_scheme_only() -> None:
    redactor = Redactor()
    out = redactor.redact(_exchange(request_headers={"Authorization": "Basic dXNlcjpwYXNz"}))
    assert out.request_headers["Authorization"] == "Basic «redacted:authorization»"
    bare = redactor.redact(_exchange(request_headers={"Authorization": TOKEN}))
    assert bare.request_headers["Authorization"] == placeholder("authorization")


def test_json_fields_are_replaced_at_any_depth() -> None:
    body = json.dumps(
        {"token_type": "Bearer", "access_token": TOKEN, "nested": [{"secret": "whsec-123456"}]}
    )
    data = json.loads(redact_json_fields(body) or "")
    assert data["access_token"] == placeholder("access_token")
    assert data["nested"][0]["secret"] == placeholder("secret")
    assert data["token_type"] == "Bearer"


def test_untouched_json_body_stays_byte_identical() -> None:
    body = '{"amount":{"value":1000,"currency":"NOK"},  "reference":"abc-12345"}'
    assert redact_json_fields(body) == body
    assert redact_json_fields("not json {") == "not json {"
    assert redact_json_fields(None) is None


def test_registered_value_is_replaced_everywhere() -> None:
    redactor = Redactor()
    assert redactor.add_secret(SUB_KEY, "subscription_key")
    exchange = _exchange(
        url=f"https://x.test/p?key={SUB_KEY}",
        request_headers={"X-Debug": f"key={SUB_KEY}"},
        request_body=f"plain text with {SUB_KEY} inside",
        response_body=f"<html>{SUB_KEY}</html>",
        error=f"ConnectionError: {SUB_KEY}",
        step=f"step {SUB_KEY}",
    )
    out = redactor.redact(exchange)
    for text in (out.url, out.request_headers["X-Debug"], out.request_body, out.response_body,
                 out.error, out.step):  # fmt: skip
        assert SUB_KEY not in (text or "")
        assert placeholder("subscription_key") in (text or "")


def test_percent_encoded_and_json_escaped_variants_are_replaced() -> None:
    redactor = Redactor()
    redactor.add_secret(CLIENT_SECRET, "client_secret")
    url = "https://x.test/p?s=Zm9vYmFy%2Bsecret%2Fvalue%3D%3D"
    assert "Zm9vYmFy" not in (redactor.redact_text(url) or "")


def test_short_and_empty_values_are_refused() -> None:
    redactor = Redactor()
    assert not redactor.add_secret("")
    assert not redactor.add_secret(None)
    assert not redactor.add_secret("12")  # would wreck every amount and MSN in the log
    assert redactor.redact_text("amount 12") == "amount 12"


def test_values_seen_under_secret_names_are_learned() -> None:
    redactor = Redactor()
    token_call = _exchange(
        request_headers={"client_secret": CLIENT_SECRET},
        response_body=json.dumps({"access_token": TOKEN}),
    )
    redactor.redact(token_call)
    later = redactor.redact(_exchange(error=f"401 for token {TOKEN} / {CLIENT_SECRET}"))
    assert TOKEN not in (later.error or "") and CLIENT_SECRET not in (later.error or "")
    assert placeholder("access_token") in (later.error or "")


def test_form_encoded_fields_are_redacted_by_name() -> None:
    text = "grant_type=client_credentials&client_secret=abcdefgh&access_token=xyz987654"
    out = Redactor().redact_text(text) or ""
    assert "abcdefgh" not in out and "xyz987654" not in out
    assert "grant_type=client_credentials" in out


def test_specific_name_wins_over_generic_secret() -> None:
    redactor = Redactor()
    redactor.add_secret(CLIENT_SECRET)  # the client registers values without a name
    redactor.redact(_exchange(request_headers={"client_secret": CLIENT_SECRET}))
    assert redactor.redact_text(CLIENT_SECRET) == placeholder("client_secret")


def test_original_exchange_is_not_modified() -> None:
    exchange = _exchange(request_headers={"Authorization": f"Bearer {TOKEN}"})
    Redactor().redact(exchange)
    assert exchange.request_headers["Authorization"] == f"Bearer {TOKEN}"


def test_redacting_twice_changes_nothing_more() -> None:
    redactor = Redactor()
    exchange = _exchange(
        request_headers={"Authorization": f"Bearer {TOKEN}", "client_secret": CLIENT_SECRET},
        response_body=json.dumps({"access_token": TOKEN}),
    )
    once = redactor.redact(exchange)
    assert Redactor().redact(once) == once  # a fresh redactor learns no placeholder as a secret
    assert redactor.redact(once) == once


def test_hmac_authorization_keeps_its_scheme() -> None:
    value = "HMAC-SHA256 SignedHeaders=x-ms-date;host&Signature=abcdef0123456789"
    out = Redactor().redact(_exchange(request_headers={"Authorization": value}))
    assert out.request_headers["Authorization"] == "HMAC-SHA256 «redacted:authorization»"


def test_a_hostile_deep_body_is_redacted_as_text_not_a_crash() -> None:
    redactor = Redactor()
    redactor.add_secret("s3cret-value-1234", "client_secret")
    deep = "[" * 100_000 + '"s3cret-value-1234"' + "]" * 10
    clean = redactor.redact(Exchange("POST", "http://x/", "webhook_delivery", request_body=deep))
    assert clean.request_body is not None and "s3cret-value-1234" not in clean.request_body
