"""EPaymentClient: one method per ePayment operation, built from Settings, free of Streamlit."""

from __future__ import annotations

import contextlib
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

import requests

from lib.epayment.auth import TokenAuth
from lib.epayment.errors import ProductionGuardError, StateTimeoutError
from lib.epayment.models import ApiResult, PaymentState
from lib.epayment.reference import new_reference
from lib.epayment.retry import backoff_seconds
from lib.epayment.transport import Call, RecorderLike, Transport
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
        self.step: str | None = None
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
            step=lambda: self.step,
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

    @contextlib.contextmanager
    def step_context(self, step: str) -> Iterator[None]:
        """Label every exchange sent inside the block with `step` (restored afterwards)."""
        previous, self.step = self.step, step
        try:
            yield
        finally:
            self.step = previous

    # -- access token ---------------------------------------------------------------------------

    def get_access_token(self) -> ApiResult:
        """Fetch a new token (recorded) and cache it; other methods fetch one lazily when needed."""
        result = self._transport.execute(self._token_call())
        self._auth.store(result.data or {})
        return result

    def _fetch_token(self) -> Mapping[str, Any]:
        return self._transport.execute(self._token_call()).data or {}

    def _token_call(self) -> Call:
        s = self.settings
        headers = {"client_id": s.client_id, "client_secret": s.client_secret}
        headers.update(self._common_headers())
        # The token POST creates nothing, so it is safe to retry without an Idempotency-Key.
        return Call("POST", "/accesstoken/get", "access_token", headers, idempotent_post=True)

    # -- payments -------------------------------------------------------------------------------

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
    ) -> ApiResult:
        """Create a payment (201). `body` is the base; given keywords and `**extra` (spec field
        names, e.g. metadata=...) override it. A missing reference is generated, a missing
        userFlow is WEB_REDIRECT and a missing paymentMethod is WALLET. Amounts are minor units."""
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
        return self._post(PAYMENTS, "create_payment", ref, payload, idempotency_key)

    def get_payment(self, reference: str) -> ApiResult:
        return self._get(self._path(reference), "get_payment", reference)

    def get_payment_event_log(self, reference: str) -> ApiResult:
        return self._get(self._path(reference, "events"), "get_payment_event_log", reference)

    def capture_payment(
        self,
        reference: str,
        amount: int,
        *,
        currency: str | None = None,
        idempotency_key: str | None = None,
    ) -> ApiResult:
        """Capture `amount` minor units (partial or full) of an AUTHORIZED payment."""
        return self._move_money("capture", reference, amount, currency, idempotency_key)

    def refund_payment(
        self,
        reference: str,
        amount: int,
        *,
        currency: str | None = None,
        idempotency_key: str | None = None,
    ) -> ApiResult:
        """Refund `amount` minor units of what was captured."""
        return self._move_money("refund", reference, amount, currency, idempotency_key)

    def _move_money(
        self, action: str, reference: str, amount: int, currency: str | None, key: str | None
    ) -> ApiResult:
        """Capture or refund: same guard, body shape and keyed POST; only the path differs."""
        self._guard_production(action)
        body = self._modification(reference, amount, currency)
        path = self._path(reference, action)
        return self._post(path, f"{action}_payment", reference, body, key)

    def cancel_payment(
        self,
        reference: str,
        *,
        cancel_transaction_only: bool = False,
        idempotency_key: str | None = None,
    ) -> ApiResult:
        """Cancel: TERMINATED before approval, else releases the whole uncaptured remainder.

        SPEC 1.8.1 no longer lists an Idempotency-Key on cancel (1.4.1 required it); we send one so
        that the cancel can be retried safely.
        """
        self._guard_production("cancel")
        body = {"cancelTransactionOnly": True} if cancel_transaction_only else None
        path = self._path(reference, "cancel")
        return self._post(path, "cancel_payment", reference, body, idempotency_key)

    def force_approve(
        self, reference: str, *, phone_number: str | None = None, token: str | None = None
    ) -> ApiResult:
        """Approve as the test user would (test environment and simulator only; 200, no body)."""
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
        body = {"url": url, "events": list(events)}
        result = self._post(WEBHOOKS, "register_webhook", None, body, None, with_key=False)
        if isinstance(result.data, Mapping):
            self._add_secret(str(result.data.get("secret") or ""))
        return result

    def list_webhooks(self) -> ApiResult:
        """The registrations of this sales unit (200 `{"webhooks": [{id, url, events}]}`)."""
        return self._get(WEBHOOKS, "get_registered_webhooks", None)

    def delete_webhook(self, webhook_id: str) -> ApiResult:
        """Delete a registration (204). Not retried automatically: the spec has no key for it."""
        path = f"{WEBHOOKS}/{quote(webhook_id, safe='')}"
        call = Call("DELETE", path, "delete_webhook", self._common_headers())
        call.auth = self._auth.header
        return self._transport.execute(call, self._auth.invalidate_header)

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

    def _get(self, path: str, operation: str, reference: str | None) -> ApiResult:
        call = Call("GET", path, operation, self._common_headers(), reference=reference)
        call.auth = self._auth.header
        return self._transport.execute(call, self._auth.invalidate_header)

    def _post(
        self,
        path: str,
        operation: str,
        reference: str | None,
        body: Any,
        idempotency_key: str | None,
        *,
        with_key: bool = True,
    ) -> ApiResult:
        headers = self._common_headers()
        # One key per logical operation, generated before the first attempt and reused by retries.
        key = (idempotency_key or str(uuid.uuid4())) if with_key else None
        if key:
            headers["Idempotency-Key"] = key
        call = Call("POST", path, operation, headers, body, reference, key, self._auth.header)
        return self._transport.execute(call, self._auth.invalidate_header)

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
            amount = (self.get_payment(reference).data or {}).get("amount") or {}
            self._currencies[reference] = str(amount.get("currency") or "NOK")
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
