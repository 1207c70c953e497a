"""The ePayment client: typed results and errors, token handling, retries, helpers."""

from lib.epayment.client import EPaymentClient
from lib.epayment.errors import (
    AuthError,
    ConflictError,
    EPaymentError,
    NetworkError,
    NotFoundError,
    ProductionGuardError,
    RateLimitedError,
    ServerError,
    StateTimeoutError,
    ValidationError,
    error_from_response,
)
from lib.epayment.models import ApiResult, PaymentState
from lib.epayment.money import to_major, to_minor
from lib.epayment.reference import is_valid_reference, new_reference

__all__ = [
    "ApiResult",
    "AuthError",
    "ConflictError",
    "EPaymentClient",
    "EPaymentError",
    "NetworkError",
    "NotFoundError",
    "PaymentState",
    "ProductionGuardError",
    "RateLimitedError",
    "ServerError",
    "StateTimeoutError",
    "ValidationError",
    "error_from_response",
    "is_valid_reference",
    "new_reference",
    "to_major",
    "to_minor",
]
