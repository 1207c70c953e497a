"""Turns request bodies into typed, validated operation inputs (create, capture, refund, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator import exceptions as ex
from simulator import validation as v
from simulator.config import SalesUnit


@dataclass(frozen=True)
class CreateRequest:
    reference: str
    value: int
    currency: str
    user_flow: str
    payment_method_type: str
    customer: dict[str, str] | None
    return_url: str | None
    description: str | None
    metadata: dict[str, str] | None
    qr_format: dict[str, Any] | None
    profile_scope: str | None
    expires_at: float | None


def _check_flow(body: dict[str, Any], unit: SalesUnit) -> tuple[str, str]:
    user_flow = body.get("userFlow")
    if user_flow is None:
        raise ex.field_error("userFlow", "The userFlow field is required.")
    if user_flow not in v.USER_FLOWS:
        raise ex.field_error("userFlow", f"userFlow must be one of {', '.join(v.USER_FLOWS)}.")
    method = body.get("paymentMethod")
    if method is None:
        raise ex.field_error("paymentMethod", "The paymentMethod field is required.")
    method = v.require_object(method, "paymentMethod")
    kind = method.get("type")
    if kind not in v.PAYMENT_METHODS:
        raise ex.field_error("paymentMethod.type", "paymentMethod.type must be WALLET or CARD.")
    if kind == "CARD" and user_flow != "WEB_REDIRECT":
        raise ex.InvalidPaymentMethodType("paymentMethod CARD can only be used with WEB_REDIRECT.")
    if kind != "WALLET":
        raise ex.InvalidPaymentMethodType(
            f"paymentMethod {kind} is not available in the test environment."
        )
    if method.get("blockedSources") and unit.currency == "NOK":
        raise ex.BlockingSourcesNotApplicable(
            "blockedSources is only for Danish and Finnish sales units."
        )
    if user_flow == "PUSH_MESSAGE" and not unit.allow_push_message:
        raise ex.PushMessageNotAllowed("This sales unit may not use userFlow PUSH_MESSAGE.")
    return user_flow, kind


def _check_amount(body: dict[str, Any], unit: SalesUnit) -> tuple[int, str]:
    if body.get("amount") is None:
        raise ex.field_error("amount", "The amount field is required.")
    value, currency = v.validate_amount(body["amount"], "amount")
    if currency != unit.currency:
        raise ex.InvalidCurrency(f"This sales unit accepts {unit.currency}, not {currency}.")
    minimum = v.MIN_AMOUNT.get(currency, 1)
    if value < minimum:
        raise ex.AmountTooSmall(
            f"The amount must be at least {minimum} (minor units of {currency})."
        )
    return value, currency


def parse_create(body: Any, unit: SalesUnit, now: float) -> CreateRequest:
    """Validate a CreatePaymentRequest: schema first, then the conditional rules of the prose.

    Unknown fields are ignored (the spec does not forbid them; rejecting them is UNCONFIRMED).
    """
    body = v.require_object(body, "body")
    reference = v.validate_reference(body)
    value, currency = _check_amount(body, unit)
    user_flow, method = _check_flow(body, unit)
    customer = v.validate_customer(body.get("customer"))
    if user_flow == "PUSH_MESSAGE" and customer is None:
        raise ex.MissingParameter("customer is required when userFlow is PUSH_MESSAGE.")
    return_url = v.validate_url(body.get("returnUrl"), "returnUrl")
    if user_flow == "WEB_REDIRECT" and return_url is None:
        raise ex.MissingParameter("returnUrl is required when userFlow is WEB_REDIRECT.")
    v.validate_url(body.get("receiptUrl"), "receiptUrl")
    if body.get("shipping") is not None and not unit.allow_express:
        raise ex.ExpressNotAllowed("This sales unit may not use Express (shipping).")
    _check_small_fields(body)
    v.validate_receipt(body.get("receipt"))
    return CreateRequest(
        reference=reference,
        value=value,
        currency=currency,
        user_flow=user_flow,
        payment_method_type=method,
        customer=customer,
        return_url=return_url,
        description=v.validate_description(body.get("paymentDescription")),
        metadata=v.validate_metadata(body.get("metadata")),
        qr_format=v.validate_qr_format(body.get("qrFormat"), user_flow),
        profile_scope=v.validate_scope(body.get("profile")),
        expires_at=v.validate_expires_at(body, user_flow, unit, now),
    )


def _check_small_fields(body: dict[str, Any]) -> None:
    interaction = body.get("customerInteraction")
    if interaction is not None and interaction not in ("CUSTOMER_PRESENT", "CUSTOMER_NOT_PRESENT"):
        reason = "customerInteraction must be CUSTOMER_PRESENT or CUSTOMER_NOT_PRESENT."
        raise ex.field_error("customerInteraction", reason)
    age = body.get("minimumUserAge")
    if age is not None and (
        not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 100
    ):
        raise ex.field_error("minimumUserAge", "minimumUserAge must be an integer from 0 to 100.")


def parse_modification(body: Any, currency: str) -> int:
    """Capture/refund body: {"modificationAmount": {currency, value}} in the payment currency."""
    body = v.require_object(body, "body")
    if body.get("modificationAmount") is None:
        raise ex.field_error("modificationAmount", "The modificationAmount field is required.")
    value, given = v.validate_amount(body["modificationAmount"], "modificationAmount")
    if given != currency:
        reason = f"modificationAmount.currency must be the payment currency {currency}."
        raise ex.field_error("modificationAmount.currency", reason)
    if value == 0:
        raise ex.InvalidAmount("modificationAmount.value must be greater than 0.")
    return value


def parse_cancel(body: Any) -> bool:
    """Cancel body is optional: {"cancelTransactionOnly": bool}."""
    if body is None:
        return False
    body = v.require_object(body, "body")
    only = body.get("cancelTransactionOnly", False)
    if only is None:
        return False
    if not isinstance(only, bool):
        raise ex.field_error("cancelTransactionOnly", "cancelTransactionOnly must be a boolean.")
    return only


def parse_force_approve(body: Any) -> tuple[dict[str, str] | None, str | None]:
    """ForceApprove body (both optional): {"customer": {...}, "token": "<redirectUrl token>"}."""
    if body is None:
        return None, None
    body = v.require_object(body, "body")
    customer = v.validate_customer(body.get("customer"))
    token = body.get("token")
    if token is not None and not isinstance(token, str):
        raise ex.field_error("token", "token must be a string.")
    return customer, token
