"""Webhook signature verification against the documented test vectors (reference §10)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lib.webhooks.signature import (
    Outcome,
    Verdict,
    content_hash,
    sign,
    signature,
    signed_host,
    string_to_sign,
    verify,
)

URL = "https://webhook.site/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63"
PATH = "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63"
DATE = "Thu, 30 Mar 2023 08:38:32 GMT"
SENT_AT = datetime(2023, 3, 30, 8, 38, 32, tzinfo=UTC)
BODY = b'{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}'
HASH = "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4="
OFFICIAL_SECRET = (
    "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A=="
)
VECTORS = [
    (OFFICIAL_SECRET, "agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U="),  # WHDOC
    ("A" * 86 + "==", "u4zz3dyO3c3xJwl36rPpn1n7WF75u6r2epjH70MZTGM="),  # MT-JS
]


def headers_for(sig: str, *, date: str = DATE, digest: str = HASH) -> dict[str, str]:
    return {
        "Host": "webhook.site",
        "x-ms-date": date,
        "x-ms-content-sha256": digest,
        "Authorization": "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256"
        f"&Signature={sig}",
    }


def check(
    headers: dict[str, str], *, secret: str = OFFICIAL_SECRET, body: bytes = BODY, **kw: Any
) -> Verdict:
    args: dict[str, Any] = {"method": "POST", "path_and_query": PATH, "host": "webhook.site"}
    args["now"] = SENT_AT
    args.update(kw)
    return verify(headers=headers, body=body, secret=secret, **args)


def test_content_hash__documented_vector() -> None:
    assert content_hash(BODY) == HASH


@pytest.mark.parametrize(("secret", "expected"), VECTORS)
def test_verify__documented_vectors_verify(secret: str, expected: str) -> None:
    verdict = check(headers_for(expected), secret=secret)
    assert verdict.ok, verdict.reason
    assert verdict.outcome is Outcome.VERIFIED and verdict.http_status == 200


@pytest.mark.parametrize(("secret", "expected"), VECTORS)
def test_sign__reproduces_documented_headers(secret: str, expected: str) -> None:
    assert sign(url=URL, body=BODY, secret=secret, date=DATE) == headers_for(expected)
    assert sign(url=URL, body=BODY, secret=secret, date=SENT_AT) == headers_for(expected)


def test_verify__wrong_secret_is_bad_signature() -> None:
    verdict = check(headers_for(VECTORS[0][1]), secret=VECTORS[1][0])
    assert verdict.outcome is Outcome.BAD_SIGNATURE and verdict.http_status == 401
    assert "signature does not match" in verdict.reason


def test_verify__altered_body_is_content_hash_mismatch() -> None:
    altered = BODY.replace(b"hello-world", b"hello-w0rld")
    verdict = check(headers_for(VECTORS[0][1]), body=altered)
    assert verdict.outcome is Outcome.CONTENT_HASH_MISMATCH and verdict.http_status == 400
    assert "does not match the body" in verdict.reason


def test_verify__altered_body_with_matching_hash_is_bad_signature() -> None:
    # An attacker who also recomputes the hash still cannot produce the signature.
    altered = BODY.replace(b"hello-world", b"hello-w0rld")
    headers = headers_for(VECTORS[0][1], digest=content_hash(altered))
    assert check(headers, body=altered).outcome is Outcome.BAD_SIGNATURE


def test_verify__base64_decoded_key_fails() -> None:
    decoded = base64.b64decode(OFFICIAL_SECRET)
    message = string_to_sign("POST", PATH, DATE, "webhook.site", HASH)
    wrong = base64.b64encode(hmac.new(decoded, message.encode(), hashlib.sha256).digest()).decode()
    assert wrong != VECTORS[0][1]
    assert check(headers_for(wrong)).outcome is Outcome.BAD_SIGNATURE


@pytest.mark.parametrize(
    ("host", "message_sep"),
    [("webhook.site:443", "\n"), ("webhook.site", "\r\n")],
)
def test_verify__documented_wrong_variants_fail(host: str, message_sep: str) -> None:
    message = f"POST{message_sep}{PATH}{message_sep}{DATE};{host};{HASH}"
    assert check(headers_for(signature(OFFICIAL_SECRET, message))).outcome is Outcome.BAD_SIGNATURE


def test_verify__stale_date_refused_with_window_in_reason() -> None:
    later = SENT_AT + timedelta(minutes=6)
    verdict = check(headers_for(VECTORS[0][1]), now=later)
    assert verdict.outcome is Outcome.STALE_DATE and verdict.http_status == 401
    assert "300 s" in verdict.reason


def test_verify__date_from_the_future_is_refused_too() -> None:
    earlier = SENT_AT - timedelta(minutes=6)
    assert check(headers_for(VECTORS[0][1]), now=earlier).outcome is Outcome.STALE_DATE


def test_verify__date_inside_window_and_window_off() -> None:
    assert check(headers_for(VECTORS[0][1]), now=SENT_AT + timedelta(minutes=4)).ok
    assert check(headers_for(VECTORS[0][1]), now=SENT_AT + timedelta(days=9), max_skew=None).ok


def test_verify__missing_date() -> None:
    headers = headers_for(VECTORS[0][1])
    del headers["x-ms-date"]
    verdict = check(headers)
    assert verdict.outcome is Outcome.MISSING_DATE and verdict.http_status == 400


def test_verify__unparseable_date() -> None:
    verdict = check(headers_for(VECTORS[0][1], date="yesterday"))
    assert verdict.outcome is Outcome.BAD_DATE and "yesterday" in verdict.reason


def test_verify__signed_date_differs_from_header_date() -> None:
    # Replaying with a fresh x-ms-date breaks the signature, so the window cannot be dodged.
    fresh = "Thu, 30 Mar 2023 08:40:00 GMT"
    assert check(headers_for(VECTORS[0][1], date=fresh)).outcome is Outcome.BAD_SIGNATURE


@pytest.mark.parametrize("name", ["x-ms-content-sha256", "Authorization"])
def test_verify__missing_headers(name: str) -> None:
    headers = headers_for(VECTORS[0][1])
    del headers[name]
    verdict = check(headers)
    assert verdict.outcome is Outcome.MISSING_HEADERS and name.lower() in verdict.reason


def test_verify__header_names_are_case_insensitive() -> None:
    headers = {k.upper(): v for k, v in headers_for(VECTORS[0][1]).items()}
    assert check(headers).ok


def test_verify__other_scheme_is_bad_signature() -> None:
    headers = headers_for(VECTORS[0][1])
    headers["Authorization"] = "Bearer " + VECTORS[0][1]
    verdict = check(headers)
    assert verdict.outcome is Outcome.BAD_SIGNATURE and "HMAC-SHA256" in verdict.reason


def test_verify__host_is_the_registered_one() -> None:
    # Signed for the registered host; verifying against another host (a proxy's) must fail.
    assert check(headers_for(VECTORS[0][1]), host="127.0.0.1:8080").outcome is Outcome.BAD_SIGNATURE


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://example.com/hook", "example.com"),
        ("https://example.com:443/hook", "example.com"),
        ("http://example.com:80/hook", "example.com"),
        ("https://example.com:8443/hook", "example.com:8443"),
        ("http://127.0.0.1:54321/webhooks/epayment", "127.0.0.1:54321"),
    ],
)
def test_signed_host__default_port_omitted(url: str, host: str) -> None:
    assert signed_host(url) == host
