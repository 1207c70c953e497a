"""Typed ePayment errors: one class per failure category, mapped from a response in one place."""

from __future__ import annotations

import json
from typing import Any

from lib.exchange import Exchange

# What a person can do about the codes a quick start meets (reference §5).
_HINTS: dict[str, str] = {
    "4150": "the reference is already used for this MSN — create the payment with a new reference.",
    "6040": "everything is captured; refund instead of cancelling.",
    "6080": "the user must approve the payment first (step 4), or force approve it in test.",
    "6090": "capture at most the authorized amount minus what is captured or cancelled.",
    "6150": "refund at most the captured amount minus what is already refunded.",
    "6020": "capture the payment before refunding it.",
    "6160": "another operation on this payment is running; retry in a moment.",
    "10020": "force approve works only on a CREATED payment in the test environment.",
}
_STATUS_HINTS: dict[int, str] = {
    401: "check client_id, client_secret and the subscription key (same sales unit), then retry.",
    403: "these keys may not use this product or MSN; check the sales unit in the portal.",
    404: "check the reference and that it belongs to this Merchant-Serial-Number.",
    409: "an Idempotency-Key or reference was reused with a different request; use new ones.",
    423: "the payment is locked by another operation; retry in a moment.",
    429: "too many calls for this reference; wait and retry.",
}

# The token call carries no reference: its refusals point at the keys or the address.
_TOKEN_HINTS: dict[int, str] = {
    401: "check client_id, client_secret and the subscription key (same sales unit).",
    403: "these keys may not use this API; check the sales unit in the portal.",
    404: "nothing answers POST /accesstoken/get there: check the base URL (the API's address, "
    "without a path).",
}


class EPaymentError(Exception):
    """Base error. `str()` is a message a person can act on; the raw evidence is in `exchange`."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        problem: dict[str, Any] | None = None,
        exchange: Exchange | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.problem: dict[str, Any] = problem or {}
        self.exchange = exchange

    @property
    def error_code(self) -> str | None:
        """The domain ErrorCode from extraDetails, e.g. "6080"; None for schema and auth errors."""
        for item in self.problem.get("extraDetails") or []:
            if isinstance(item, dict) and item.get("name") == "ErrorCode":
                return str(item.get("reason"))
        return None

    @property
    def trace_id(self) -> str | None:
        return self.problem.get("traceId")

    def __str__(self) -> str:
        return self.message if not self.trace_id else f"{self.message} [traceId {self.trace_id}]"


class AuthError(EPaymentError):
    """401/403, or the token API's own error shapes (Azure AD, API gateway)."""


class ValidationError(EPaymentError):
    """400/422: the request was refused; `fields` names the offending fields for schema errors."""

    @property
    def fields(self) -> list[str]:
        return [
            str(item.get("name"))
            for item in self.problem.get("extraDetails") or []
            if isinstance(item, dict) and item.get("name") not in (None, "ErrorCode")
        ]


class NotFoundError(EPaymentError):
    """404: unknown reference (for this MSN) or path."""


class ConflictError(EPaymentError):
    """409/423: idempotency conflict, reused reference, or a locked payment."""


class RateLimitedError(EPaymentError):
    """429 after the retries; `retry_after` is the server's hint in seconds, when given."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(EPaymentError):
    """5xx after the retries."""


class NetworkError(EPaymentError):
    """No response at all: timeout or connection error (status None)."""

    should_retry = True


class ProductionGuardError(EPaymentError):
    """A write against production was refused client-side (no request was sent)."""


class StateTimeoutError(EPaymentError, TimeoutError):
    """wait_for_state gave up; `last` holds the last GET result."""

    def __init__(self, message: str, *, last: Any = None) -> None:
        super().__init__(message)
        self.last = last


def _verb(operation: str) -> str:
    words = {
        "access_token": "Access token request",
        "create_payment": "Create payment",
        "get_payment": "Get payment",
        "get_payment_event_log": "Get event log",
        "capture_payment": "Capture",
        "refund_payment": "Refund",
        "cancel_payment": "Cancel",
        "force_approve": "Force approve",
    }
    return words.get(operation, operation.replace("_", " ").capitalize())


def normalise_problem(body: Any) -> dict[str, Any]:
    """Bring Problem JSON, the Azure AD token error and the gateway's {message} to one shape."""
    if not isinstance(body, dict):
        return {}
    if "error" in body and "title" not in body:  # Azure AD shape from /accesstoken/get
        return {
            "title": body.get("error"),
            "detail": body.get("error_description"),
            "traceId": body.get("trace_id"),
            "extraDetails": None,
            "raw": body,
        }
    if "message" in body and "title" not in body:  # API gateway shape (subscription key)
        return {"title": None, "detail": body.get("message"), "traceId": None, "raw": body}
    return dict(body)


def error_from_response(
    *,
    operation: str,
    status: int,
    body: str | None,
    retry_after: float | None = None,
    exchange: Exchange | None = None,
) -> EPaymentError:
    """Map an HTTP error response to the right EPaymentError subclass (the only such mapping)."""
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    problem = normalise_problem(parsed)
    if not problem and body:
        problem = {"detail": body[:300]}
    cls = _class_for(operation, status, problem)
    err_kwargs: dict[str, Any] = {"status": status, "problem": problem, "exchange": exchange}
    probe = EPaymentError("", **err_kwargs)
    message = _message(operation, status, problem, probe.error_code)
    if cls is RateLimitedError:
        return RateLimitedError(message, retry_after=retry_after, **err_kwargs)
    return cls(message, **err_kwargs)


def _class_for(operation: str, status: int, problem: dict[str, Any]) -> type[EPaymentError]:
    if status in (401, 403) or (operation == "access_token" and "raw" in problem and status < 500):
        return AuthError
    if status in (400, 422):
        return ValidationError
    if status == 404:
        return NotFoundError
    if status in (409, 423):
        return ConflictError
    if status == 429:
        return RateLimitedError
    if status >= 500:
        return ServerError
    return EPaymentError


def _message(operation: str, status: int, problem: dict[str, Any], code: str | None) -> str:
    title, detail = problem.get("title"), problem.get("detail")
    what = f"{status}, ErrorCode {code}" if code else str(status)
    if title:
        what += f" '{title}'"
    outcome = "failed" if status >= 500 else "refused"
    text = f"{_verb(operation)} {outcome} ({what})"
    fields = [
        f"{d.get('name')}: {d.get('reason')}"
        for d in problem.get("extraDetails") or []
        if isinstance(d, dict) and d.get("name") != "ErrorCode"
    ]
    if detail and detail != "See extraDetails for further details":
        text += f": {detail}"
    if fields:
        text += ": " + "; ".join(fields)
    if operation == "access_token":
        hint = _TOKEN_HINTS.get(status)
    else:
        hint = _HINTS.get(code or "") or _STATUS_HINTS.get(status)
    if hint is None and status >= 500:
        hint = "the service had a problem; retry later with the same Idempotency-Key."
    return f"{text} — {hint}" if hint else text
