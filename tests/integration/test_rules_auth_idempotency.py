"""auth.token-per-request, idempotency.missing-key, idempotency.new-key-on-retry."""

from __future__ import annotations

from lib.integration.rules import auth, idempotency
from lib.integration.traffic import Traffic
from tests.integration.builders import amount, exchange

TOKEN = {"token_type": "Bearer", "expires_in": "3600", "access_token": "t"}


def test_token_per_request__a_token_per_call_is_flagged() -> None:
    log = [exchange("access_token", at=i, response=TOKEN) for i in range(6)]
    found = auth.token_per_request(Traffic(log))
    assert len(found) == 1 and found[0].exchange_ids == tuple(e.id for e in log[1:])


def test_token_per_request__a_token_per_lifetime_passes() -> None:
    # Fetched again when the previous one has less than half its life left: fine.
    log = [exchange("access_token", at=i * 2000, response=TOKEN) for i in range(6)]
    assert auth.token_per_request(Traffic(log)) == []


def test_missing_key__create_capture_refund() -> None:
    log = [
        exchange("create_payment"),
        exchange("capture_payment", body=amount(100), key="k1"),
        exchange("refund_payment", body=amount(100)),
        exchange("cancel_payment"),  # the 1.8.1 spec no longer requires it on cancel
    ]
    found = idempotency.missing_key(Traffic(log))
    assert found[0].exchange_ids == (log[0].id, log[2].id)


def test_new_key_on_retry__after_503_with_a_new_key() -> None:
    log = [
        exchange("capture_payment", 0, status=503, body=amount(500), key="a"),
        exchange("capture_payment", 1, status=200, body=amount(500), key="b"),
    ]
    found = idempotency.new_key_on_retry(Traffic(log))
    assert [f.exchange_ids for f in found] == [(log[0].id, log[1].id)]
    assert found[0].reference == "acme-order-1001"


def test_new_key_on_retry__no_answer_then_a_new_key() -> None:
    log = [
        exchange("refund_payment", 0, status=None, body=amount(5), key="a", error="Timeout"),
        exchange("refund_payment", 9, body=amount(5), key="b"),
    ]
    assert len(idempotency.new_key_on_retry(Traffic(log))) == 1


def test_new_key_on_retry__same_key_or_a_4xx_or_another_amount_pass() -> None:
    same_key = [
        exchange("capture_payment", 0, status=503, body=amount(500), key="a"),
        exchange("capture_payment", 1, body=amount(500), key="a"),
    ]
    after_4xx = [
        exchange("capture_payment", 0, status=400, body=amount(500), key="a"),
        exchange("capture_payment", 1, body=amount(500), key="b"),
    ]
    other_capture = [
        exchange("capture_payment", 0, status=503, body=amount(500), key="a"),
        exchange("capture_payment", 1, body=amount(300), key="b"),
    ]
    for log in (same_key, after_4xx, other_capture):
        assert idempotency.new_key_on_retry(Traffic(log)) == []
