"""The retry decision and backoff functions."""

from datetime import UTC, datetime

import pytest

from lib.epayment.retry import MAX_DELAY, MAX_RETRY_AFTER, backoff_seconds, parse_retry_after
from lib.epayment.retry import should_retry as _should_retry


def should_retry(**overrides: object) -> bool:
    args = dict(method="POST", status=503, has_idempotency_key=True, attempt=1, max_retries=2)
    args.update(overrides)
    return _should_retry(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [None, 429, 500, 502, 503, 504])
def test_retries_network_errors_rate_limits_and_server_errors(status: int | None) -> None:
    assert should_retry(status=status)


@pytest.mark.parametrize("status", [200, 201, 400, 401, 404, 409, 422, 501])
def test_does_not_retry_answers_that_would_not_change(status: int) -> None:
    assert not should_retry(status=status)


def test_post_without_idempotency_key_is_never_retried() -> None:
    assert not should_retry(has_idempotency_key=False, status=None)
    assert should_retry(has_idempotency_key=False, idempotent_post=True)  # the token call
    assert should_retry(method="GET", has_idempotency_key=False)


def test_a_long_retry_after_is_not_waited_for() -> None:
    assert should_retry(status=429, retry_after=MAX_RETRY_AFTER)
    assert not should_retry(status=429, retry_after=MAX_RETRY_AFTER + 1)


def test_stops_after_max_retries() -> None:
    assert should_retry(attempt=2, max_retries=2)
    assert not should_retry(attempt=3, max_retries=2)
    assert not should_retry(attempt=1, max_retries=0)


def test_backoff_grows_exponentially_with_jitter_and_is_capped() -> None:
    assert backoff_seconds(1, rng=lambda: 1.0) == 0.5
    assert backoff_seconds(2, rng=lambda: 1.0) == 1.0
    assert backoff_seconds(2, rng=lambda: 0.0) == 0.5  # jitter never goes below half
    assert backoff_seconds(20, rng=lambda: 1.0) == MAX_DELAY


def test_retry_after_wins_but_is_capped() -> None:
    assert backoff_seconds(1, retry_after=3, rng=lambda: 0.0) == 3
    assert backoff_seconds(1, retry_after=3600) == MAX_RETRY_AFTER


def test_parse_retry_after_seconds_dates_and_garbage() -> None:
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 25 Nov 2026 12:00:10 GMT", now=now) == 10.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
