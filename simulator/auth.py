"""The access token API and the header checks every ePayment call passes (reference §1, §2)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from simulator import exceptions as ex
from simulator.config import SalesUnit
from simulator.models import EPaymentBackend
from simulator.tokens import TokenError
from simulator.validation import MSN_RE, is_text

MISSING_KEY = (
    "Access denied due to missing subscription key. "
    "Make sure to include subscription key when making requests to an API."
)
INVALID_KEY = (
    "Access denied due to invalid subscription key. "
    "Make sure to provide a valid key for an active subscription."
)
SYSTEM_HEADERS = (
    "Vipps-System-Name",
    "Vipps-System-Version",
    "Vipps-System-Plugin-Name",
    "Vipps-System-Plugin-Version",
)
TENANT = "epayment-lab-simulator"


class JsonError(Exception):
    """An error whose body is plain JSON, not Problem JSON (API gateway and Azure AD shapes)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body)
        self.status = status
        self.body = body


def subscription_key_error(missing: bool) -> JsonError:
    """Azure API Management's default 401 body; the exact wrapper for Vipps is UNCONFIRMED."""
    return JsonError(401, {"statusCode": 401, "message": MISSING_KEY if missing else INVALID_KEY})


def azure_ad_error(status: int, error: str, code: int, text: str) -> JsonError:
    """The Azure AD error shape the official SDK types for every token failure."""
    trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    description = (
        f"AADSTS{code}: {text}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\n"
        f"Timestamp: {stamp}"
    )
    return JsonError(
        status,
        {
            "error": error,
            "error_description": description,
            "error_codes": [code],
            "timestamp": stamp,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": f"https://login.windows.net/error?code={code}",
        },
    )


def _subscription_unit(headers: Mapping[str, str], backend: EPaymentBackend) -> SalesUnit:
    key = headers.get("Ocp-Apim-Subscription-Key")
    if not key:
        raise subscription_key_error(missing=True)
    unit = backend.units_by_subscription_key.get(key)
    if unit is None:
        raise subscription_key_error(missing=False)
    return unit


def issue_access_token(headers: Mapping[str, str], backend: EPaymentBackend) -> dict[str, str]:
    """POST /accesstoken/get. Wrong client_id -> 400 AADSTS700016 (documented); wrong secret ->
    401 invalid_client AADSTS7000215 (UNCONFIRMED: what Azure AD answers); a subscription key of
    another sales unit -> 401 invalid subscription key (UNCONFIRMED)."""
    key_unit = _subscription_unit(headers, backend)
    client_id = headers.get("client_id", "")
    unit = backend.units_by_client_id.get(client_id)
    if unit is None:
        raise azure_ad_error(
            400,
            "unauthorized_client",
            700016,
            f"Application with identifier '{client_id}' was not found in the directory "
            f"'{TENANT}'. This can happen if the application has not been installed by the "
            "administrator of the tenant or consented to by any user in the tenant.",
        )
    if headers.get("client_secret") != unit.client_secret:
        raise azure_ad_error(
            401,
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is "
            f"the client secret value, not the client secret ID, for app '{client_id}'.",
        )
    if key_unit is not unit:
        raise subscription_key_error(missing=False)
    _check_token_request_headers(headers, unit)
    return backend.tokens.issue(unit)


def _check_token_request_headers(headers: Mapping[str, str], unit: SalesUnit) -> None:
    """The optional headers of the token call, as access-token.yaml constrains them: MSN
    `^[0-9]{4,10}$`, Vipps-System-* at most 30 characters -> 400; a well-formed MSN of another
    sales unit -> 401. The real error bodies are UNCONFIRMED; the Azure AD shape is used for all."""
    msn = headers.get("Merchant-Serial-Number")
    problems = [
        f"{name} is longer than 30 characters"
        for name in SYSTEM_HEADERS
        if len(headers.get(name) or "") > 30
    ]
    if msn is not None and not MSN_RE.match(msn):
        problems.insert(0, "Merchant-Serial-Number must match '^[0-9]{4,10}$'")
    if problems:
        text = "Invalid request header: " + "; ".join(problems) + "."
        raise azure_ad_error(400, "invalid_request", 900144, text)
    if msn is not None and msn != unit.merchant_serial_number:
        text = f"Merchant-Serial-Number {msn} does not belong to this client's sales unit."
        raise azure_ad_error(401, "unauthorized_client", 700016, text)


def authenticate(headers: Mapping[str, str], backend: EPaymentBackend) -> SalesUnit:
    """Check Ocp-Apim-Subscription-Key, Authorization (`Bearer `, case-sensitive), the token, and
    Merchant-Serial-Number against the token's sales unit. A key/token pair from different sales
    units -> 401; an MSN other than the token's -> 403 (exact statuses UNCONFIRMED)."""
    unit = _subscription_unit(headers, backend)
    auth = headers.get("Authorization")
    if not auth or not auth.startswith("Bearer "):
        raise ex.Unauthorized("The Authorization header must be `Bearer <access token>`.")
    try:
        claims = backend.tokens.verify(auth[7:])
    except TokenError as exc:
        raise ex.Unauthorized(str(exc)) from exc
    if claims.msn != unit.merchant_serial_number:
        raise ex.Unauthorized(
            "The access token and the subscription key belong to different sales units."
        )
    msn = headers.get("Merchant-Serial-Number")
    if msn is None:
        raise ex.field_error(
            "Merchant-Serial-Number", "The Merchant-Serial-Number header is required."
        )
    if not MSN_RE.match(msn):
        reason = "The Merchant-Serial-Number header must match '^[0-9]{4,10}$'."
        raise ex.field_error("Merchant-Serial-Number", reason)
    if msn != claims.msn:
        raise ex.Forbidden(
            f"Merchant-Serial-Number {msn} does not match the access token's sales unit."
        )
    check_system_headers(headers)
    return unit


def check_system_headers(headers: Mapping[str, str]) -> None:
    for name in SYSTEM_HEADERS:
        value = headers.get(name)
        if value is not None and len(value) > 30:
            raise ex.field_error(name, f"The {name} header can be at most 30 characters.")


def idempotency_key(headers: Mapping[str, str], required: bool) -> str | None:
    key = headers.get("Idempotency-Key")
    if key is None or key == "":
        if required:
            raise ex.field_error("Idempotency-Key", "The Idempotency-Key header is required.")
        return None
    if len(key) > 50:
        raise ex.field_error(
            "Idempotency-Key", "The Idempotency-Key header can be at most 50 characters."
        )
    if not is_text(key):  # bytes that are no UTF-8 arrive as surrogates; the log could not show it
        raise ex.field_error("Idempotency-Key", "The Idempotency-Key header is not valid UTF-8.")
    return key
