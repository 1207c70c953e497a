"""One class per problem the simulator reports, rendered in one place as problem+json."""

from __future__ import annotations

import json
import os

PROBLEM_CONTENT_TYPE = "application/problem+json"
FIELD_DETAIL = "See extraDetails for further details"


def new_trace_id() -> str:
    """W3C traceparent: 00-<32 hex>-<16 hex>-01."""
    return f"00-{os.urandom(16).hex()}-{os.urandom(8).hex()}-01"


class ProblemError(Exception):
    """An error answered as Problem JSON. Subclasses set status, title and (domain errors) code."""

    status: int = 400
    title: str = "Bad Request"
    code: str | None = None  # the ErrorCode, sent as a string in extraDetails

    def __init__(
        self,
        detail: str,
        *,
        extra: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        self.headers = headers or {}
        self.trace_id = new_trace_id()  # fixed at creation so an idempotent replay repeats it

    def extra_details(self) -> list[dict[str, str]] | None:
        if self.extra is not None:
            return self.extra
        if self.code is not None:
            return [{"name": "ErrorCode", "reason": self.code}]
        return None

    def to_problem(self, path: str) -> dict[str, object]:
        body: dict[str, object] = {
            "type": f"https://httpstatuses.io/{self.status}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance_of(path),
            "traceId": self.trace_id,
        }
        extra = self.extra_details()
        if extra is not None:
            body["extraDetails"] = extra
        return body


def instance_of(path: str) -> str:
    """The real APIs report the path without their prefix (/v1/payments/..., /v1/webhooks)."""
    for prefix in ("/epayment", "/webhooks"):
        if path.startswith(prefix + "/"):
            return path[len(prefix) :]
    return path


def render_problem(exc: ProblemError, path: str) -> tuple[int, dict[str, str], bytes]:
    """The one place a ProblemError becomes status, headers and body bytes."""
    body = json.dumps(exc.to_problem(path), separators=(",", ":")).encode()
    return exc.status, {"Content-Type": PROBLEM_CONTENT_TYPE, **exc.headers}, body


# --- schema / header errors (field named in extraDetails, no ErrorCode) -----------------------


class ValidationFailed(ProblemError):
    """Schema or header error: extraDetails name each offending field, no ErrorCode."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(FIELD_DETAIL, extra=[{"name": n, "reason": r} for n, r in errors])
        self.errors = errors


def field_error(name: str, reason: str) -> ValidationFailed:
    return ValidationFailed([(name, reason)])


class Unauthorized(ProblemError):
    status = 401
    title = "Unauthorized"


class Forbidden(ProblemError):
    status = 403
    title = "Forbidden"


class NotFound(ProblemError):
    status = 404
    title = "Not Found"


class MethodNotAllowed(ProblemError):
    status = 405
    title = "Method Not Allowed"


class RequestTimeout(ProblemError):
    """The request body stopped arriving (the connection is closed after this answer)."""

    status = 408
    title = "Request Timeout"


class PayloadTooLarge(ProblemError):
    status = 413
    title = "Payload Too Large"


class UnsupportedMediaType(ProblemError):
    status = 415
    title = "Unsupported Media Type"


class TooManyRequests(ProblemError):
    status = 429
    title = "Too Many Requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class InternalError(ProblemError):
    status = 500
    title = "Internal error"
    code = "3010"


class InjectedFault(ProblemError):
    """A status answered on purpose by fault injection (POST /_sim/faults)."""

    def __init__(self, status: int, operation: str) -> None:
        self.status = status
        self.title = "Injected fault"
        super().__init__(f"The simulator answered {status} on purpose for {operation}.")


# --- domain errors (ErrorCode in extraDetails) --------------------------------------------------


class DomainError(ProblemError):
    """An ePayment business rule refused the request; subclasses carry the documented code."""


def _domain(name: str, code: str, title: str, status: int = 400) -> type[DomainError]:
    return type(name, (DomainError,), {"code": code, "title": title, "status": status})


CaptureIdempotencyConflict = _domain(
    "CaptureIdempotencyConflict", "4010", "Capture idempotency conflict", 409
)
IdempotencyError = _domain("IdempotencyError", "4020", "Idempotency error", 409)
InvalidAmount = _domain("InvalidAmount", "4040", "Invalid amount")
InvalidCustomerToken = _domain("InvalidCustomerToken", "4050", "Invalid CustomerToken")
InvalidPersonalQr = _domain("InvalidPersonalQr", "4060", "Invalid PersonalQr")
InvalidPhoneNumber = _domain("InvalidPhoneNumber", "4070", "Invalid phone number")
InvalidScope = _domain("InvalidScope", "4080", "Invalid scope")
InvalidUrl = _domain("InvalidUrl", "4090", "Invalid URL")
MetadataCapacity = _domain("MetadataCapacity", "4100", "Metadata capacity exceeded")
MetadataKeyLength = _domain("MetadataKeyLength", "4120", "Metadata key too long")
MetadataValueLength = _domain("MetadataValueLength", "4130", "Metadata value too long")
MissingParameter = _domain("MissingParameter", "4140", "Missing required parameter")
ReferenceExists = _domain("ReferenceExists", "4150", "Reference exists", 409)
RefundIdempotencyConflict = _domain(
    "RefundIdempotencyConflict", "4150", "Refund idempotency conflict", 409
)
InvalidPaymentMethodType = _domain(
    "InvalidPaymentMethodType", "4160", "Invalid payment method type"
)
BlockingSourcesNotApplicable = _domain(
    "BlockingSourcesNotApplicable", "5010", "Blocking sources not applicable"
)
ExpressNotAllowed = _domain("ExpressNotAllowed", "5020", "Express payment not allowed")
IllegalScope = _domain("IllegalScope", "5030", "Illegal scope")
InvalidCurrency = _domain("InvalidCurrency", "5040", "Invalid currency for merchant")
LongLivingNotAllowed = _domain("LongLivingNotAllowed", "5050", "Long-living payment not allowed")
PushMessageNotAllowed = _domain("PushMessageNotAllowed", "5080", "PUSH_MESSAGE not allowed")
ReferenceNotFound = _domain("ReferenceNotFound", "5090", "Reference not found", 404)
RefundNotPossible = _domain("RefundNotPossible", "5100", "Refund not possible")
AmountTooSmall = _domain("AmountTooSmall", "6010", "Amount too small")
RefundBeforeReservation = _domain(
    "RefundBeforeReservation", "6020", "Attempted refund before reservation"
)
CannotCancelCaptured = _domain("CannotCancelCaptured", "6040", "Cannot cancel a captured payment")
CannotCancelAuthorized = _domain(
    "CannotCancelAuthorized", "6060", "Cannot cancel authorized payment"
)
CannotCaptureCancelled = _domain(
    "CannotCaptureCancelled", "6070", "Cannot capture a cancelled payment"
)
CaptureBeforeReservation = _domain(
    "CaptureBeforeReservation", "6080", "Cannot capture before reservation"
)
CaptureAmountTooHigh = _domain("CaptureAmountTooHigh", "6090", "Capture amount too high")
ExpirationTooLate = _domain("ExpirationTooLate", "6110", "Expiration date too late")
ExpirationTooSoon = _domain("ExpirationTooSoon", "6120", "Expiration date too soon")
LongLivingNeedsReceipt = _domain(
    "LongLivingNeedsReceipt", "6130", "Long living payments require a receipt"
)
MustCaptureFullAmount = _domain("MustCaptureFullAmount", "6140", "Must capture full amount")
NotEnoughRefundable = _domain("NotEnoughRefundable", "6150", "Not enough refundable")
AlreadyCaptured = _domain("AlreadyCaptured", "6170", "Payment already captured")
AlreadyRefunded = _domain("AlreadyRefunded", "6180", "Payment already refunded")
CannotBeCancelled = _domain("CannotBeCancelled", "6190", "Payment cannot be cancelled")
CannotBeCaptured = _domain("CannotBeCaptured", "6200", "Payment cannot be captured")
CannotBeRefunded = _domain("CannotBeRefunded", "6210", "Payment cannot be refunded")
RefundPeriodExpired = _domain("RefundPeriodExpired", "6220", "Refund period expired")
AlreadyReserved = _domain("AlreadyReserved", "6230", "Payment is already reserved")
ApproveFailed = _domain("ApproveFailed", "10010", "Approve failed")
ApproveNotAllowed = _domain("ApproveNotAllowed", "10020", "Approve not allowed")
