"""Operations run once per Idempotency-Key: a replay answers the first run, another body a 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from simulator import exceptions as ex
from simulator.idempotency import IdempotencyStore

T = TypeVar("T")
CONFLICTS: dict[str, type[ex.DomainError]] = {  # the same key sent with another body
    "capture": ex.CaptureIdempotencyConflict,
    "refund": ex.RefundIdempotencyConflict,
    "cancel": ex.IdempotencyError,
}


def once_per_key(
    store: IdempotencyStore,
    operation: str,
    scope: tuple[str, str | None],
    key: str | None,
    body: object,
    run: Callable[[], T],
) -> T:
    """`run` for `operation` ("create_payment", "capture_payment", ...) on `scope` (msn,
    reference or None): without a key, every time; with one, once per key. A replay answers
    what the first run did; another body under the same key is refused with the operation's
    conflict error (the caller holds the backend lock)."""
    if key is None:
        return run()
    msn, reference = scope
    return store.run((operation, msn, reference, key), body, lambda: _conflict(operation, key), run)


def _conflict(operation: str, key: str) -> ex.ProblemError:
    if operation == "create_payment":
        return ex.IdempotencyError(f"Idempotency-Key `{key}` was already used for another request.")
    verb = operation.removesuffix("_payment")
    return CONFLICTS[verb](f"Idempotency-Key `{key}` was used for another {verb} request.")
