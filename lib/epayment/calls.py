"""Calls: each ePayment operation as a `Call` (path, headers, body, Idempotency-Key); sends nothing.

The client sends these; its previews render them. One builder, so a preview cannot differ from the
request that is sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import requests

from lib.epayment.errors import ProductionGuardError
from lib.epayment.reference import new_reference
from lib.epayment.transport import Call
from lib.settings import Settings

PAYMENTS = "/epayment/v1/payments"
WEBHOOKS = "/webhooks/v1/webhooks"
# The ePayment API's operationIds (snake_case), as calls, exchanges, rules and checklist name them.
EPAYMENT_OPERATIONS = frozenset(
    {
        "create_payment",
        "get_payment",
        "get_payment_event_log",
        "cancel_payment",
        "capture_payment",
        "refund_payment",
        "force_approve",
    }
)


class Calls:
    """Builds the calls of one sales unit's settings. Amounts are minor units."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.reference_prefix = f"epl-{settings.merchant_serial_number}".rstrip("-")

    def access_token(self) -> Call:
        s = self.settings
        headers = {"client_id": s.client_id, "client_secret": s.client_secret}
        headers.update(self.common_headers())
        # The token POST creates nothing, so it is safe to retry without an Idempotency-Key.
        return Call("POST", "/accesstoken/get", "access_token", headers, idempotent_post=True)

    def create_payment(
        self,
        *,
        amount: int | None = None,
        currency: str = "NOK",
        reference: str | None = None,
        user_flow: str | None = None,
        return_url: str | None = None,
        phone_number: str | None = None,
        description: str | None = None,
        body: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        **extra: Any,
    ) -> Call:
        """`body` is the base; given keywords and `**extra` (spec field names, e.g.
        metadata=...) override it. A missing reference is generated, a missing userFlow is
        WEB_REDIRECT and a missing paymentMethod is WALLET."""
        payload: dict[str, Any] = dict(body or {})
        if amount is not None:
            payload["amount"] = {"currency": currency, "value": amount}
        if reference is not None or "reference" not in payload:
            payload["reference"] = reference or new_reference(self.reference_prefix)
        payload.setdefault("paymentMethod", {"type": "WALLET"})
        payload["userFlow"] = user_flow or payload.get("userFlow") or "WEB_REDIRECT"
        optional = {"returnUrl": return_url, "paymentDescription": description}
        payload.update({k: v for k, v in optional.items() if v is not None})
        if phone_number is not None:
            payload["customer"] = {"phoneNumber": phone_number}
        payload.update(extra)
        ref = str(payload["reference"])
        return self._post(PAYMENTS, "create_payment", ref, payload, idempotency_key)

    def get_payment(self, reference: str) -> Call:
        return self._get(self._path(reference), "get_payment", reference)

    def get_payment_event_log(self, reference: str) -> Call:
        return self._get(self._path(reference, "events"), "get_payment_event_log", reference)

    def modification(
        self, action: str, reference: str, amount: int, currency: str, key: str | None
    ) -> Call:
        """Capture or refund: same guard, body shape and keyed POST; only the path differs."""
        self.guard_production(action)
        body = {"modificationAmount": {"currency": currency, "value": amount}}
        path = self._path(reference, action)
        return self._post(path, f"{action}_payment", reference, body, key)

    def cancel_payment(
        self, reference: str, *, cancel_transaction_only: bool = False, key: str | None = None
    ) -> Call:
        """SPEC 1.8.1 no longer lists an Idempotency-Key on cancel (1.4.1 required it); we send
        one so that the cancel can be retried safely."""
        self.guard_production("cancel")
        body = {"cancelTransactionOnly": True} if cancel_transaction_only else None
        return self._post(self._path(reference, "cancel"), "cancel_payment", reference, body, key)

    def force_approve(
        self, reference: str, *, phone_number: str | None = None, token: str | None = None
    ) -> Call:
        if self.settings.is_production:
            raise ProductionGuardError(
                "Force approve exists only in the test environment; it is refused for production."
            )
        body: dict[str, Any] = {}
        if phone_number:
            body["customer"] = {"phoneNumber": phone_number}
        if token:
            body["token"] = token
        path = f"/epayment/v1/test/payments/{quote(reference, safe='')}/approve"
        # No Idempotency-Key in the spec, so a failed force approve is not retried automatically.
        return self._post(path, "force_approve", reference, body, None, with_key=False)

    def register_webhook(self, url: str, events: Iterable[str]) -> Call:
        body = {"url": url, "events": list(events)}
        return self._post(WEBHOOKS, "register_webhook", None, body, None, with_key=False)

    def list_webhooks(self) -> Call:
        return self._get(WEBHOOKS, "get_registered_webhooks", None)

    def delete_webhook(self, webhook_id: str) -> Call:
        path = f"{WEBHOOKS}/{quote(webhook_id, safe='')}"
        return Call("DELETE", path, "delete_webhook", self.common_headers())

    def guard_production(self, what: str) -> None:
        if self.settings.is_production and not self.settings.allow_production_writes:
            raise ProductionGuardError(
                f"Refusing to {what} in production: real money moves. Set "
                "allow_production_writes=True in the settings "
                "(EPAYMENT_LAB_ALLOW_PRODUCTION_WRITES) to allow it."
            )

    def common_headers(self) -> dict[str, str]:
        s = self.settings
        return {
            "Ocp-Apim-Subscription-Key": s.subscription_key,
            "Merchant-Serial-Number": s.merchant_serial_number,
            "Vipps-System-Name": s.system_name,
            "Vipps-System-Version": s.system_version,
            "Vipps-System-Plugin-Name": s.plugin_name,
            "Vipps-System-Plugin-Version": s.plugin_version,
            "User-Agent": f"epayment-lab/{s.system_version} python-requests/{requests.__version__}",
            "Accept": "application/json",
        }

    def _get(self, path: str, operation: str, reference: str | None) -> Call:
        return Call("GET", path, operation, self.common_headers(), reference=reference)

    def _post(
        self,
        path: str,
        operation: str,
        reference: str | None,
        body: Any,
        idempotency_key: str | None,
        *,
        with_key: bool = True,
    ) -> Call:
        headers = self.common_headers()
        # One key per logical operation, made before the first attempt and reused by retries.
        key = (idempotency_key or str(uuid.uuid4())) if with_key else None
        if key:
            headers["Idempotency-Key"] = key
        return Call("POST", path, operation, headers, body, reference, key)

    def _path(self, reference: str, action: str | None = None) -> str:
        path = f"{PAYMENTS}/{quote(reference, safe='')}"
        return f"{path}/{action}" if action else path
