"""When to retry a request and how long to wait: small pure functions for the tenacity policy."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BASE_DELAY = 0.5  # seconds before the first retry
MAX_DELAY = 8.0  # cap for our own exponential backoff
MAX_RETRY_AFTER = 10.0  # longer Retry-After: give up at once, so a UI never hangs for minutes


def should_retry(
    *,
    method: str,
    status: int | None,
    has_idempotency_key: bool,
    attempt: int,
    max_retries: int,
    idempotent_post: bool = False,
    retry_after: float | None = None,
) -> bool:
    """Decide whether attempt number `attempt` (1-based) may be followed by another.

    `status` is None when no response arrived (timeout, connection error). A POST is retried only
    when it carries an Idempotency-Key (or is known to be safe, like the token call): without a key
    the server could perform the operation twice. A Retry-After beyond MAX_RETRY_AFTER is not
    waited for: the caller gets RateLimitedError(retry_after=...) at once and decides.
    """
    if attempt > max_retries:
        return False
    if retry_after is not None and retry_after > MAX_RETRY_AFTER:
        return False
    if status is not None and status not in RETRY_STATUSES:
        return False
    if method.upper() in {"GET", "HEAD", "OPTIONS"}:
        return True
    return has_idempotency_key or idempotent_post


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (seconds or HTTP date); None when absent or garbled."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(
    attempt: int,
    retry_after: float | None = None,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after failed attempt `attempt` (1-based).

    A server's Retry-After wins (capped at MAX_RETRY_AFTER); otherwise capped exponential backoff
    with jitter between 50 % and 100 % of the delay, so clients that failed together spread out.
    `rng` isolates the randomness for tests.
    """
    if retry_after is not None:
        return min(max(retry_after, 0.0), MAX_RETRY_AFTER)
    delay = min(BASE_DELAY * 2 ** (attempt - 1), MAX_DELAY)
    return delay * (0.5 + rng() / 2)
