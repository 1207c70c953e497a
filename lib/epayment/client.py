"""EPaymentClient: one method per ePayment operation, built from Settings, free of Streamlit."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import requests

from lib.epayment.auth import TokenAuth
from lib.epayment.calls import PAYMENTS, WEBHOOKS, Calls
from lib.epayment.errors import StateTimeoutError
from lib.epayment.models import ApiResult, PaymentState
from lib.epayment.retry import backoff_seconds
from lib.epayment.transport import Call, RecorderLike, Transport
from lib.exchange import Exchange
from lib.settings import Settings, SettingsError

Key = str | None  # an Idempotency-Key given by the caller; None makes a new one

__all__ = ["PAYMENTS", "WEBHOOKS", "EPaymentClient", "default_backoff"]


def default_backoff(attempt: int, retry_after: float | None) -> float:
    return backoff_seconds(attempt, retry_after, random.random)


class EPaymentClient:
    """Talks to one target with one sales unit's keys; every attempt goes to `recorder.record`.

    Each operation is `send(prepare_<operation>(...))`: `lib.epayment.calls` builds the call,
    `preview(call)` shows it without sending, `send(call)` sends it (retries, token, evidence).

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
        self.calls = Calls(settings)
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

    @property
    def reference_prefix(self) -> str:
        return self.calls.reference_prefix

    # -- sending prepared calls -----------------------------------------------------------------

    def send(self, call: Call) -> ApiResult:
        """Send a call made by one of the `prepare_*` methods (retries, token refresh, evidence)."""
        if call.operation == "access_token":
            result = self._transport.execute(call)
            self._auth.store(result.data or {})
            return result
        call.auth = self._auth.header
        result = self._transport.execute(call, self._auth.invalidate_header)
        if call.operation == "register_webhook" and isinstance(result.data, Mapping):
            # The recorder redacted the `secret` while recording; it learns the value for later.
            self._add_secret(str(result.data.get("secret") or ""))
        return result

    def preview(self, call: Call) -> Exchange:
        """The exchange `send(call)` would start with, secrets as placeholders, nothing sent.

        Built by the same code that sends, so a preview cannot differ from the request.
        """
        return self._transport.preview(call)

    # -- the operations (spec operationIds) -----------------------------------------------------

    def get_access_token(self) -> ApiResult:
        """Fetch a new token (recorded) and cache it; other methods fetch one lazily when needed."""
        return self.send(self.prepare_access_token())

    def prepare_access_token(self) -> Call:
        return self.calls.access_token()

    def create_payment(self, **kwargs: Any) -> ApiResult:
        """Create a payment (201); the arguments are those of `Calls.create_payment`."""
        return self.send(self.prepare_create_payment(**kwargs))

    def prepare_create_payment(self, **kwargs: Any) -> Call:
        call = self.calls.create_payment(**kwargs)
        amount = call.body.get("amount") if isinstance(call.body, Mapping) else None
        if call.reference and isinstance(amount, Mapping) and amount.get("currency"):
            self._currencies[call.reference] = str(amount["currency"])
        return call

    def get_payment(self, reference: str) -> ApiResult:
        return self.send(self.prepare_get_payment(reference))

    def prepare_get_payment(self, reference: str) -> Call:
        return self.calls.get_payment(reference)

    def get_payment_event_log(self, reference: str) -> ApiResult:
        return self.send(self.prepare_get_payment_event_log(reference))

    def prepare_get_payment_event_log(self, reference: str) -> Call:
        return self.calls.get_payment_event_log(reference)

    def capture_payment(
        self,
        reference: str,
        amount: int,
        *,
        currency: str | None = None,
        idempotency_key: Key = None,
    ) -> ApiResult:
        """Capture `amount` minor units (partial or full) of an AUTHORIZED payment."""
        key = idempotency_key
        return self.send(
            self.prepare_capture_payment(reference, amount, currency=currency, idempotency_key=key)
        )

    def prepare_capture_payment(
        self,
        reference: str,
        amount: int,
        *,
        currency: str | None = None,
        idempotency_key: Key = None,
    ) -> Call:
        money = self._currency(reference, currency)
        return self.calls.modification("capture", reference, amount, money, idempotency_key)

    def refund_payment(
        self,
        reference: str,
        amount: int,
        *,
        currency: str | None = None,
        idempotency_key: Key = None,
    ) -> ApiResult:
        """Refund `amount` minor units of what was captured."""
        key = idempotency_key
        return self.send(
            self.prepare_refund_payment(reference, amount, currency=currency, idempotency_key=key)
        )

    def prepare_refund_payment(
        self,
        reference: str,
        amount: int,
        *,
        currency: str | None = None,
        idempotency_key: Key = None,
    ) -> Call:
        money = self._currency(reference, currency)
        return self.calls.modification("refund", reference, amount, money, idempotency_key)

    def cancel_payment(
        self, reference: str, *, cancel_transaction_only: bool = False, idempotency_key: Key = None
    ) -> ApiResult:
        """Cancel: TERMINATED before approval, else releases the whole uncaptured remainder."""
        only, key = cancel_transaction_only, idempotency_key
        return self.send(
            self.prepare_cancel_payment(
                reference, cancel_transaction_only=only, idempotency_key=key
            )
        )

    def prepare_cancel_payment(
        self,
        reference: str,
        *,
        cancel_transaction_only: bool = False,
        idempotency_key: Key = None,
    ) -> Call:
        return self.calls.cancel_payment(
            reference, cancel_transaction_only=cancel_transaction_only, key=idempotency_key
        )

    def force_approve(
        self, reference: str, *, phone_number: str | None = None, token: str | None = None
    ) -> ApiResult:
        """Approve as the test user would (test environment and simulator only; 200, no body)."""
        return self.send(
            self.prepare_force_approve(reference, phone_number=phone_number, token=token)
        )

    def prepare_force_approve(
        self, reference: str, *, phone_number: str | None = None, token: str | None = None
    ) -> Call:
        return self.calls.force_approve(reference, phone_number=phone_number, token=token)

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
        return self.send(self.prepare_register_webhook(url, events))

    def prepare_register_webhook(self, url: str, events: Iterable[str]) -> Call:
        return self.calls.register_webhook(url, events)

    def list_webhooks(self) -> ApiResult:
        """The registrations of this sales unit (200 `{"webhooks": [{id, url, events}]}`)."""
        return self.send(self.calls.list_webhooks())

    def delete_webhook(self, webhook_id: str) -> ApiResult:
        """Delete a registration (204). Not retried automatically: the spec has no key for it."""
        return self.send(self.calls.delete_webhook(webhook_id))

    # -- plumbing -------------------------------------------------------------------------------

    def _fetch_token(self) -> Mapping[str, Any]:
        return self._transport.execute(self.calls.access_token()).data or {}

    def _currency(self, reference: str, currency: str | None) -> str:
        if currency:
            return currency
        if reference not in self._currencies:
            # Unknown payment (created elsewhere): ask the API rather than guess NOK for a DKK unit.
            payment = self.get_payment(reference).payment
            self._currencies[reference] = payment.currency if payment else "NOK"
        return self._currencies[reference]

    def _add_secret(self, value: str) -> None:
        add = getattr(self.recorder, "add_secret", None)
        if value and callable(add):
            add(value)
