"""Request validation as spec 1.8.1 and its prose say (the wider 1.8.1 limits)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from simulator import exceptions as ex
from simulator.config import SalesUnit

REFERENCE_RE = re.compile(r"^[a-zA-Z0-9-]{8,64}$")
MSN_RE = re.compile(r"^[0-9]{4,10}$")
PHONE_RE = re.compile(r"^[0-9]{9,15}$")  # the spec's \d is ECMAScript's: ASCII digits only
URL_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0, DEL, C1: no URL (RFC 3986, WHATWG) has them
SURROGATE = re.compile(r"[\ud800-\udfff]")
RFC3339_RE = re.compile(
    r"^((?:(\d{4}-\d{2}-\d{2})(T|t)(\d{2}:\d{2}:\d{2}(?:\.\d+)?))(Z|z|([+-](?:2[0-3]|[01][0-9]):[0-5][0-9])))$"
)
CURRENCIES = ("NOK", "DKK", "EUR", "SEK", "USD", "GBP")
MIN_AMOUNT = {"NOK": 100, "DKK": 1, "EUR": 1}
MAX_AMOUNT = 65_000_000
USER_FLOWS = ("PUSH_MESSAGE", "NATIVE_REDIRECT", "WEB_REDIRECT", "QR")
PAYMENT_METHODS = ("WALLET", "CARD", "CARD_PASSTHROUGH")
QR_FORMATS = ("TEXT/TARGETURL", "IMAGE/SVG+XML", "IMAGE/PNG")
SCOPES = ("name", "address", "email", "phoneNumber", "birthDate", "nin")
REFERENCE_REASON = "The field Reference must match the regular expression '^[a-zA-Z0-9-]{8,64}$'."
DESCRIPTION_REASON = (
    "The field PaymentDescription must be a string with a minimum length of 3 "
    "and a maximum length of 100."
)
MIN_WINDOW_SECONDS = 600
MAX_WINDOW_SECONDS = 60 * 24 * 3600  # < 60 days (1.8.1; 1.4.1 said 28 days)


def is_text(value: str) -> bool:
    """False for a string holding a lone UTF-16 surrogate (no character, no UTF-8 form)."""
    return value.isascii() or SURROGATE.search(value) is None


def printable(value: str) -> str:
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def lone_surrogate_at(value: Any) -> str | None:
    """The path (`metadata.order`, `receipt.orderLines[0].name`) of a key or string value
    holding a lone surrogate, or None. Iterative: the parsed body may be deeply nested."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str) and not is_text(item):
            return path or "body"
        if isinstance(item, dict):
            for key, child in reversed(item.items()):
                where = f"{path}.{key}" if path else key
                if not is_text(key):
                    return printable(where)
                stack.append((where, child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child) for i, child in reversed(list(enumerate(item))))
    return None


def _type_name(value: Any) -> str:
    return type(value).__name__.replace("NoneType", "null").replace("dict", "object")


def require_object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ex.field_error(
            name, f"The field {name} must be a JSON object, not {_type_name(value)}."
        )
    return value


def optional_object(body: dict[str, Any], name: str, path: str | None = None) -> dict[str, Any]:
    value = body.get(name)
    return {} if value is None else require_object(value, path or name)


def _string(body: dict[str, Any], name: str, path: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise ex.field_error(path, f"The field {path} must be a string.")
    return value


def validate_amount(value: Any, path: str) -> tuple[int, str]:
    """An Amount object: integer value 0..65,000,000 in minor units, known currency."""
    amount = require_object(value, path)
    raw, currency = amount.get("value"), amount.get("currency")
    if raw is None:
        raise ex.field_error(f"{path}.value", f"The {path}.value field is required.")
    if isinstance(raw, float) and not isinstance(raw, bool):
        raise ex.InvalidAmount(f"{path}.value must be an integer in minor units, not {raw}.")
    if not isinstance(raw, int) or isinstance(raw, bool):
        raise ex.field_error(f"{path}.value", f"The field {path}.value must be an integer.")
    if raw < 0 or raw > MAX_AMOUNT:
        reason = f"The field {path}.value must be between 0 and {MAX_AMOUNT}."
        raise ex.field_error(f"{path}.value", reason)
    if currency is None:
        raise ex.field_error(f"{path}.currency", f"The {path}.currency field is required.")
    if currency not in CURRENCIES:
        raise ex.field_error(
            f"{path}.currency", f"The field {path}.currency must be one of NOK, DKK, EUR."
        )
    return raw, currency


def validate_reference(body: dict[str, Any]) -> str:
    reference = body.get("reference")
    if reference is None:
        raise ex.field_error("reference", "The reference field is required.")
    if not isinstance(reference, str) or not REFERENCE_RE.match(reference):
        raise ex.field_error("reference", REFERENCE_REASON)
    return reference


def validate_customer(value: Any) -> dict[str, str] | None:
    """Exactly one of phoneNumber, personalQr, customerToken (spec oneOf)."""
    if value is None:
        return None
    customer = require_object(value, "customer")
    given = [
        k for k in ("phoneNumber", "personalQr", "customerToken") if customer.get(k) is not None
    ]
    if len(given) != 1:
        reason = "Exactly one of phoneNumber, personalQr or customerToken must be set."
        raise ex.field_error("customer", reason)
    key, raw = given[0], customer[given[0]]
    if key == "phoneNumber" and (not isinstance(raw, str) or not PHONE_RE.match(raw)):
        raise ex.InvalidPhoneNumber(
            "customer.phoneNumber must be 9 to 15 digits with country code, no + or spaces."
        )
    if key == "personalQr" and (not isinstance(raw, str) or not 5 <= len(raw) <= 255):
        raise ex.InvalidPersonalQr("customer.personalQr must be a string of 5 to 255 characters.")
    if key == "customerToken" and (not isinstance(raw, str) or not raw):
        raise ex.InvalidCustomerToken("customer.customerToken must be a non-empty string.")
    return {key: raw}


def validate_url(value: Any, name: str) -> str | None:
    """An absolute URL (the spec: `https://` or a custom scheme), at most 2,500 characters, with
    no control character. Non-ASCII (an IRI) is kept; it is percent-encoded where it is sent."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 2500 or not URL_RE.match(value):
        raise ex.InvalidUrl(
            f"{name} must be an absolute URL (https:// or an app scheme), max 2500."
        )
    if CONTROL_RE.search(value):
        raise ex.InvalidUrl(f"{name} must not contain control characters.")
    return value


def validate_metadata(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    metadata = require_object(value, "metadata")
    if len(metadata) > 5:
        raise ex.MetadataCapacity("metadata can hold at most 5 key-value pairs.")
    for key, item in metadata.items():
        if not isinstance(item, str):
            raise ex.field_error(f"metadata.{key}", "Metadata values must be strings.")
        if len(key) > 100:
            raise ex.MetadataKeyLength("A metadata key can be at most 100 characters.")
        if len(item) > 500:
            raise ex.MetadataValueLength("A metadata value can be at most 500 characters.")
    return metadata


def validate_description(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not 3 <= len(value) <= 100:
        raise ex.field_error("paymentDescription", DESCRIPTION_REASON)
    return value


def validate_qr_format(value: Any, user_flow: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if user_flow != "QR":
        raise ex.field_error("qrFormat", "qrFormat can only be used with userFlow QR.")
    qr = require_object(value, "qrFormat")
    if qr.get("format") not in QR_FORMATS:
        raise ex.field_error(
            "qrFormat.format", f"qrFormat.format must be one of {', '.join(QR_FORMATS)}."
        )
    size = qr.get("size")
    if size is not None and (
        not isinstance(size, int) or isinstance(size, bool) or not 100 <= size <= 2000
    ):
        raise ex.field_error("qrFormat.size", "qrFormat.size must be an integer from 100 to 2000.")
    return {"format": qr["format"], "size": size}


def validate_scope(value: Any) -> str | None:
    profile = {} if value is None else require_object(value, "profile")
    scope = profile.get("scope")
    if scope is None:
        return None
    if not isinstance(scope, str) or not scope.strip():
        raise ex.InvalidScope("profile.scope must be a space-separated list of scopes.")
    parts = scope.split()
    unknown = [p for p in parts if p not in SCOPES]
    if unknown:
        raise ex.InvalidScope(f"Unknown scope(s) in profile.scope: {' '.join(unknown)}.")
    if "nin" in parts:
        raise ex.IllegalScope("The scope nin is not permitted for this sales unit.")
    return scope


def validate_expires_at(
    body: dict[str, Any], user_flow: str, unit: SalesUnit, now: float
) -> float | None:
    """Long-living payments: PUSH_MESSAGE/QR only, need a receipt, window 10 min < t < 60 days."""
    raw = body.get("expiresAt")
    if raw is None:
        return None
    if not isinstance(raw, str) or not RFC3339_RE.match(raw):
        raise ex.field_error("expiresAt", "The field expiresAt must be an RFC 3339 date-time.")
    if user_flow not in ("PUSH_MESSAGE", "QR"):
        raise ex.field_error(
            "expiresAt", "expiresAt can only be used with userFlow PUSH_MESSAGE or QR."
        )
    if not unit.allow_long_living:
        raise ex.LongLivingNotAllowed("This sales unit is not approved for long-living payments.")
    if body.get("receipt") is None:
        raise ex.LongLivingNeedsReceipt("A payment with expiresAt must include a receipt.")
    try:
        at = datetime.fromisoformat(raw.upper().replace("Z", "+00:00")).timestamp()
    except ValueError as exc:  # matches the pattern but is no real date, e.g. month 13
        raise ex.field_error("expiresAt", "The field expiresAt is not a valid date-time.") from exc
    if at - now <= MIN_WINDOW_SECONDS:
        raise ex.ExpirationTooSoon("expiresAt must be more than 10 minutes in the future.")
    if at - now >= MAX_WINDOW_SECONDS:
        raise ex.ExpirationTooLate("expiresAt must be less than 60 days in the future.")
    return at


def validate_receipt(value: Any) -> None:
    if value is None:
        return
    receipt = require_object(value, "receipt")
    lines = receipt.get("orderLines")
    if not isinstance(lines, list) or not lines:
        raise ex.field_error(
            "receipt.orderLines", "receipt.orderLines must hold at least one order line."
        )
    bottom = require_object(receipt.get("bottomLine"), "receipt.bottomLine")
    if bottom.get("currency") not in CURRENCIES:
        raise ex.field_error(
            "receipt.bottomLine.currency", "receipt.bottomLine.currency is required."
        )
