"""Helpers for plain-call backend tests: a backend with NOK and DKK sales units, quick bodies."""

from __future__ import annotations

import itertools
from typing import Any

from simulator import DEFAULT_SALES_UNIT, EPaymentBackend
from simulator.config import generated_sales_unit

MSN = DEFAULT_SALES_UNIT.merchant_serial_number
DKK_UNIT = generated_sales_unit(1)
_counter = itertools.count(1)


def make_backend(**kwargs: Any) -> EPaymentBackend:
    return EPaymentBackend([DEFAULT_SALES_UNIT, DKK_UNIT], seed=7, **kwargs)


def body(value: int = 1000, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "amount": {"value": value, "currency": "NOK"},
        "paymentMethod": {"type": "WALLET"},
        "reference": f"order-{next(_counter):08d}",
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://example.com/return",
        "paymentDescription": "Plain call",
    }
    data.update(extra)
    return data


def created(backend: EPaymentBackend, value: int = 1000, **extra: Any) -> str:
    data = body(value, **extra)
    backend.create_payment(MSN, data, f"create-{data['reference']}")
    return data["reference"]


def authorized(backend: EPaymentBackend, value: int = 1000) -> str:
    reference = created(backend, value)
    backend.force_approve(MSN, reference)
    return reference


def amount(value: int) -> dict[str, Any]:
    return {"modificationAmount": {"value": value, "currency": "NOK"}}


def agg(backend: EPaymentBackend, reference: str) -> dict[str, int]:
    data = backend.get_payment(MSN, reference)["aggregate"]
    return {k.removesuffix("Amount"): v["value"] for k, v in data.items()}
