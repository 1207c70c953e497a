"""EPaymentClient: one method per ePayment operation, built from Settings, free of Streamlit."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

import requests

from lib.epayment.auth import TokenAuth
from lib.epayment.errors import ProductionGuardError, StateTimeoutError
from lib.epayment.models import ApiResult, PaymentState
from lib.epayment.reference import new_reference
from lib.epayment.retry import backoff_seconds
from lib.epayment.transport import Call, RecorderLike, Transport
from lib.exchange import Exchange
from lib.settings import Settings, SettingsError

PAYMENTS = "/epayment/v1/payments"
WEBHOOKS = "/webhooks/v1/webhooks"


def default_backoff(attempt: int, retry_after: float | None) -> float:
    return backoff_seconds(attempt, retry_after, random.random)


class EPaymentClient:
    """Talks to one target with one sales unit's keys; every attempt goes to `recorder.record`.

    `recorder` is duck-typed: any object with `record(Exchange)`; if it has `add_secret(value)`,
    the client registers client_secret, subscription key and each access token with it.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        recorder: RecorderLike | None = None,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = (3.05, 15),
        max_retries: int = 2,
        backoff: Callable[[int, float | None], float] = default_backoff,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        settings.validate()
        if not settings.base_url:
            raise SettingsError(["base_url is missing (start the simulator, use for_simulator)"])
        self.settings = settings
        self.recorder = recorder
        self.reference_prefix = f"epl-{settings.merchant_serial_number}".rstrip("-")
        self._sleep = sleep
        self._currencies: dict[str, str] = {}  # reference -> currency, for capture/refund bodies
        for secret in settings.secrets:
            self._add_secret(secret)
        self._auth = TokenAuth(self._fetch_token, on_token=self._add_secret)
        self._transport = Transport(
            base_url=settings.base_url,
            target=settings.target,
            session=session or requests.Session(),
            recorder=recorder,
            timeout=timeout,
            max_retries=max_retries,
            backoff=backoff,
            sleep=sleep,
        )

    def __repr__(self) -> str:
        s = self.settings
        return f"EPaymentClient(target={s.target!r}, base_url={s.base_url!r})"

    def close(self) -> None:
        self._transport.session.close()

    def __enter__(self) -> EPaymentClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- sending prepared calls -----------------------------------------------------------------

    def send(self, call: Call) -> ApiResult:
        """Send a call made by one of the `prepare_*` methods (retries, token refresh, evidence)."""
        if call.operation == "access_token":
            result = self._transport.execute(call)
            self._auth.store(result.data or {})
            return result
        call.auth = self._auth.header
        return self._transport.execute(call, self._auth.invalidate_header)

    def preview(self, call: Call) -> Exchange:
        """The exchange `send(call)` would start with, secrets as placeholders, nothing sent.

        Built by the same code that sends, so a preview cannot differ from the request.
        """
        return self._transport.preview(call)

    # -- access token ---------------------------------------------------------------------------

    def get_access_token(self) -> ApiResult:
        """Fetch a new token (recorded) and cache it; other methods fetch one lazily when needed."""
        return self.send(self.prepare_access_token())

    def _fetch_token(self) -> Mapping[str, Any]:
        return self._transport.execute(self.prepare_access_token()).data or {}

    def prepare_access_token(self) -> Call:
        s = self.settings
        headers = {"client_id": s.client_id, "client_secret": s.client_secret}
        headers.update(self._common_headers())
        # The token POST creates nothing, so it is safe to retry without an Idempotency-Key.
        return Call("POST", "/accesstoken/get", "access_token", headers, idempotent_post=True)

    # -- payments -------------------------------------------------------------------------------

    def create_payment(self, **kwargs: Any) -> ApiResult:
        """Create a payment (201); the arguments are those of `prepare_create_payment`."""
        return self.send(self.prepare_create_payment(**kwargs))

    def prepare_create_payment(
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
        WEB_REDIRECT and a missing paymentMethod is WALLET. Amounts are minor units."""
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
        if isinstance(payload.get("amount"), Mapping) and payload["amount"].get("currency"):
            self._currencies[ref] = str(payload["amount"]["currency"])
        return self._post_call(PAYMENTS, "create_payment", ref, payload, idempotency_key)

    def get_payment(self, reference: str) -> ApiResult:
        return self.send(self.prepare_get_payment(reference))

    def prepare_get_payment(self, reference: str) -> Call:
        return self._get_call(self._path(reference), "get_payment", reference)

    def get_payment_event_log(self, reference: str) -> ApiResult:
        return self.send(self.prepare_get_payment_event_log(reference))

    def prepare_get_payment_event_log(self, reference: str) -> Call:
        path = self._path(reference, "events")
        return self._get_call(path, "get_payment_event_log", reference)

    def capture_payment(
        self,
        reference: str,
        amount: int,
        *,
        currency: str | None = None,
        idempotency_key: str | None = None,
    ) -> ApiResult:
        """Capture `amount` minor units (partial or full) of an AUTHORIZED payment."""
        call = self.prepare_capture_payment(
            reference, amount, currency=currency, idempotency_key=idempotency_key
        )
        return self.send(call)

    def prepare_capture_payment(
        self,
        reference: str,
        amount: int,
        *,
        currency: str | None = None,
        idempotency_key: str | None = None,
    ) -> Call:
        return self._money_call("capture", reference, amount, currency, idempotency_key)

    def refund_payment(
        self,
        reference: str,
        amount: int,
        *,
        currency: str | None = None,
        idempotency_key: str | None = None,
    ) -> ApiResult:
        """Refund `amount` minor units of what was captured."""
        call = self.prepare_refund_payment(
            reference, amount, currency=currency, idempotency_key=idempotency_key
        )
        return self.send(call)

    def prepare_refund_payment(
        self,
        reference: str,
        amount: int,
        *,
        currency: str | None = None,
        idempotency_key: str | None = None,
    ) -> Call:
        return self._money_call("refund", reference, amount, currency, idempotency_key)

    def _money_call(
        self, action: str, reference: str, amount: int, currency: str | None, key: str | None
    ) -> Call:
        """Capture or refund: same guard, body shape and keyed POST; only the path differs."""
        self._guard_production(action)
        body = self._modification(reference, amount, currency)
        path = self._path(reference, action)
        return self._post_call(path, f"{action}_payment", reference, body, key)

    def cancel_payment(
        self,
        reference: str,
        *,
        cancel_transaction_only: bool = False,
        idempotency_key: str | None = None,
    ) -> ApiResult:
        """Cancel: TERMINATED before approval, else releases the whole uncaptured remainder."""
        call = self.prepare_cancel_payment(
            reference,
            cancel_transaction_only=cancel_transaction_only,
            idempotency_key=idempotency_key,
        )
        return self.send(call)

    def prepare_cancel_payment(
        self,
        reference: str,
        *,
        cancel_transaction_only: bool = False,
        idempotency_key: str | None = None,
    ) -> Call:
        """SPEC 1.8.1 no longer lists an Idempotency-Key on cancel (1.4.1 required it); we send
        one so that the cancel can be retried safely."""
        self._guard_production("cancel")
        body = {"cancelTransactionOnly": True} if cancel_transaction_only else None
        path = self._path(reference, "cancel")
        return self._post_call(path, "cancel_payment", reference, body, idempotency_key)

    def force_approve(
        self, reference: str, *, phone_number: str | None = None, token: str | None = None
    ) -> ApiResult:
        """Approve as the test user would (test environment and simulator only; 200, no body)."""
        call = self.prepare_force_approve(reference, phone_number=phone_number, token=token)
        return self.send(call)

    def prepare_force_approve(
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
        return self._post_call(path, "force_approve", reference, body, None, with_key=False)

    def wait_for_state(
        self,
        reference: str,
        states: Iterable[PaymentState | str],
        timeout: float = 60.0,
        interval: float = 2.0,
        first_delay: float = 5.0,
    ) -> ApiResult:
        """Poll get_payment as the guidelines say (start after a few seconds, then every 2 s).

        Returns the first result whose state is in `states`, or that reached a final state from
        which `states` can no longer be reached (check `result.state`). Raises StateTimeoutError.
        """
        wanted = {PaymentState(s) for s in states}
        deadline = time.monotonic() + timeout
        self._sleep(min(first_delay, timeout))
        while True:
            result = self.get_payment(reference)
            state = result.state
            if state is not None and (state in wanted or state.is_final):
                return result
            if time.monotonic() + interval > deadline:
                names = ", ".join(sorted(wanted))
                raise StateTimeoutError(
                    f"Payment {reference} is still {state} after {timeout:g} s "
                    f"(waiting for {names}) — the user may not have acted yet; poll again.",
                    last=result,
                )
            self._sleep(interval)

    # -- webhooks (Webhooks API v1; same keys and headers) ----------------------------------------

    def register_webhook(self, url: str, events: Iterable[str]) -> ApiResult:
        """Register `url` for `events` (201; data has `id` and the `secret`, shown only once).

        The recorder redacts the `secret` field of the response while recording it and learns
        the value, so it never appears in the evidence. The Webhooks spec has no
        Idempotency-Key: a failed register is not retried automatically (it could register twice).
        """
        result = self.send(self.prepare_register_webhook(url, events))
        if isinstance(result.data, Mapping):
            self._add_secret(str(result.data.get("secret") or ""))
        return result

    def prepare_register_webhook(self, url: str, events: Iterable[str]) -> Call:
        body = {"url": url, "events": list(events)}
        return self._post_call(WEBHOOKS, "register_webhook", None, body, None, with_key=False)

    def list_webhooks(self) -> ApiResult:
        """The registrations of this sales unit (200 `{"webhooks": [{id, url, events}]}`)."""
        return self.send(self._get_call(WEBHOOKS, "get_registered_webhooks", None))

    def delete_webhook(self, webhook_id: str) -> ApiResult:
        """Delete a registration (204). Not retried automatically: the spec has no key for it."""
        path = f"{WEBHOOKS}/{quote(webhook_id, safe='')}"
        return self.send(Call("DELETE", path, "delete_webhook", self._common_headers()))

    # -- plumbing -------------------------------------------------------------------------------

    def _common_headers(self) -> dict[str, str]:
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

    def _get_call(self, path: str, operation: str, reference: str | None) -> Call:
        return Call("GET", path, operation, self._common_headers(), reference=reference)

    def _post_call(
        self,
        path: str,
        operation: str,
        reference: str | None,
        body: Any,
        idempotency_key: str | None,
        *,
        with_key: bool = True,
    ) -> Call:
        headers = self._common_headers()
        # One key per logical operation, made before the first attempt and reused by retries.
        key = (idempotency_key or str(uuid.uuid4())) if with_key else None
        if key:
            headers["Idempotency-Key"] = key
        return Call("POST", path, operation, headers, body, reference, key)

    def _path(self, reference: str, action: str | None = None) -> str:
        path = f"{PAYMENTS}/{quote(reference, safe='')}"
        return f"{path}/{action}" if action else path

    def _modification(self, reference: str, amount: int, currency: str | None) -> dict[str, Any]:
        currency = self._currency(reference, currency)
        return {"modificationAmount": {"currency": currency, "value": amount}}

    def _currency(self, reference: str, currency: str | None) -> str:
        if currency:
            return currency
        if reference not in self._currencies:
            # Unknown payment (created elsewhere): ask the API rather than guess NOK for a DKK unit.
            payment = self.get_payment(reference).payment
            self._currencies[reference] = payment.currency if payment else "NOK"
        return self._currencies[reference]

    def _guard_production(self, what: str) -> None:
        if self.settings.is_production and not self.settings.allow_production_writes:
            raise ProductionGuardError(
                f"Refusing to {what} in production: real money moves. Set "
                "allow_production_writes=True in the settings "
                "(EPAYMENT_LAB_ALLOW_PRODUCTION_WRITES) to allow it."
            )

    def _add_secret(self, value: str) -> None:
        add = getattr(self.recorder, "add_secret", None)
        if value and callable(add):
            add(value)
