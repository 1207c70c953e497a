"""Webhook signing against the documented test vectors, the payload shape and the retry schedule."""

from __future__ import annotations

import calendar
import time

import pytest

from simulator.webhooks import content_hash, signature, signed_headers, webhook_payload
from simulator.webhooks.attempts import GIVE_UP_AFTER, retry_delay
from simulator.webhooks.signing import host_and_path, rfc1123

URL = "https://webhook.site/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63"
DATE = "Thu, 30 Mar 2023 08:38:32 GMT"
BODY = b'{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}'
HASH = "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4="
SECRET_2023 = (
    "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A=="
)
VECTORS = [
    (SECRET_2023, "agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U="),
    ("A" * 86 + "==", "u4zz3dyO3c3xJwl36rPpn1n7WF75u6r2epjH70MZTGM="),
]


def test_content_hash__documented_vector() -> None:
    assert content_hash(BODY) == HASH


@pytest.mark.parametrize(("secret", "expected"), VECTORS)
def test_signature__documented_vectors(secret: str, expected: str) -> None:
    host, path = host_and_path(URL)
    assert signature(secret, path, DATE, host, HASH) == expected


@pytest.mark.parametrize(("secret", "expected"), VECTORS)
def test_signed_headers__documented_vectors(secret: str, expected: str) -> None:
    stamp = calendar.timegm(time.strptime(DATE, "%a, %d %b %Y %H:%M:%S GMT"))
    headers = signed_headers(URL, secret, BODY, stamp)
    assert headers == {
        "Host": "webhook.site",
        "x-ms-date": DATE,
        "x-ms-content-sha256": HASH,
        "Authorization": "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256"
        f"&Signature={expected}",
    }


def test_signature__wrong_secret_or_port_differs() -> None:
    host, path = host_and_path(URL)
    assert signature(SECRET_2023[:-2], path, DATE, host, HASH) != VECTORS[0][1]
    assert signature(SECRET_2023, path, DATE, "webhook.site:443", HASH) != VECTORS[0][1]


@pytest.mark.parametrize(
    ("url", "host", "path"),
    [
        ("https://webhook.site:443/a", "webhook.site", "/a"),
        ("http://127.0.0.1:80/a", "127.0.0.1", "/a"),
        ("http://127.0.0.1:8080/a/b?x=1&y=2", "127.0.0.1:8080", "/a/b?x=1&y=2"),
        ("http://localhost:5000", "localhost:5000", "/"),
        ("http://[::1]:5000/h", "[::1]:5000", "/h"),
    ],
)
def test_host_and_path__default_port_dropped(url: str, host: str, path: str) -> None:
    assert host_and_path(url) == (host, path)


def test_rfc1123() -> None:
    assert rfc1123(0) == "Thu, 01 Jan 1970 00:00:00 GMT"


def test_webhook_payload__documented_fields_key_only_when_set() -> None:
    event = {
        "reference": "ref-12345678",
        "pspReference": "1304787731",
        "name": "CANCELLED",
        "amount": {"currency": "NOK", "value": 750},
        "timestamp": "2026-01-01T00:00:00.000000Z",
        "idempotencyKey": None,
        "success": True,
    }
    payload = webhook_payload("123456", event)
    assert payload == {"msn": "123456", **{k: v for k, v in event.items() if v is not None}}
    keyed = webhook_payload("123456", {**event, "idempotencyKey": "k1"})
    assert keyed["idempotencyKey"] == "k1"


def test_retry_delay__documented_schedule() -> None:
    delays = [retry_delay(n) for n in range(1, 32)]
    assert delays[:5] == [2, 2, 2, 60, 120]
    assert set(delays[5:28]) == {3600} and set(delays[28:]) == {86400}
    assert sum(delays) < GIVE_UP_AFTER  # the horizon, not the table, ends the retries
