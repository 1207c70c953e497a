"""The one choke point: every attempt of every request is sent, recorded and retried here."""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests
import tenacity

from lib.epayment.errors import NetworkError, _verb, error_from_response
from lib.epayment.models import ApiResult
from lib.epayment.retry import parse_retry_after, should_retry
from lib.exchange import Exchange

logger = logging.getLogger("epayment_lab.client")


# Header values a preview never shows (the recorder redacts the same ones in the evidence).
PREVIEW_PLACEHOLDERS = {
    "client_secret": "<client_secret>",
    "Ocp-Apim-Subscription-Key": "<subscription_key>",
}


class RecorderLike(Protocol):
    def record(self, exchange: Exchange) -> Any: ...


@dataclass
class Call:
    """One logical operation; its attempts share body bytes and Idempotency-Key."""

    method: str
    path: str
    operation: str
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # holds secrets
    body: Any = None  # JSON-serialisable, or None for no body
    reference: str | None = None
    idempotency_key: str | None = None
    # Gives the Authorization value for each attempt (a refreshed token after a 401).
    auth: Callable[[], str] | None = field(default=None, repr=False)
    idempotent_post: bool = False  # a POST that is safe to repeat without a key (the token call)


@dataclass
class Outcome:
    """One attempt: the raw exchange (for decisions) and the copy the recorder stored."""

    exchange: Exchange = field(repr=False)  # as sent and received, secrets included
    evidence: Exchange = field(repr=False)  # what callers get: the recorder's (redacted) copy
    authorization: str | None = field(default=None, repr=False)

    @property
    def status(self) -> int | None:
        return self.exchange.status

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.exchange.response_headers.get("Retry-After"))


@dataclass
class Transport:
    base_url: str
    target: str
    session: requests.Session
    recorder: RecorderLike | None
    timeout: float | tuple[float, float]
    max_retries: int
    backoff: Callable[[int, float | None], float]
    sleep: Callable[[float], None] = time.sleep

    def execute(
        self, call: Call, on_unauthorized: Callable[[str | None], None] | None = None
    ) -> ApiResult:
        """Send `call` with retries; on a 401 refresh the token once and try again."""
        counter = itertools.count(1)
        outcome = self._with_retries(call, counter)
        if outcome.status == 401 and call.auth is not None and on_unauthorized is not None:
            on_unauthorized(outcome.authorization)
            outcome = self._with_retries(call, counter)
        return self._result(call, outcome)

    def _with_retries(self, call: Call, counter: Iterator[int]) -> Outcome:
        def retry(state: tenacity.RetryCallState) -> bool:
            if state.outcome is None or state.outcome.failed:
                return False  # e.g. the lazy token fetch raised: tenacity re-raises it as is
            outcome: Outcome = state.outcome.result()
            return should_retry(
                method=call.method,
                status=outcome.status,
                has_idempotency_key=call.idempotency_key is not None,
                attempt=state.attempt_number,
                max_retries=self.max_retries,
                idempotent_post=call.idempotent_post,
                retry_after=outcome.retry_after,
            )

        def wait(state: tenacity.RetryCallState) -> float:
            outcome: Outcome = state.outcome.result()  # type: ignore[union-attr]
            return self.backoff(state.attempt_number, outcome.retry_after)

        retrying = tenacity.Retrying(
            retry=retry,
            wait=wait,
            sleep=self.sleep,
            stop=tenacity.stop_after_attempt(self.max_retries + 1),
            retry_error_callback=lambda state: state.outcome.result(),  # type: ignore[union-attr]
        )
        return retrying(lambda: self._send(call, next(counter)))

    def preview(self, call: Call) -> Exchange:
        """The first attempt's exchange as `_send` would build it; secrets become placeholders
        (`<client_secret>`, `<subscription_key>`, `Bearer <access_token>`) and no token is fetched.
        """
        token = None if call.operation == "access_token" else "Bearer <access_token>"
        prepared, data = self._prepare(call, token)
        exchange = self._exchange(call, prepared, data, attempt=1)
        for name, placeholder in PREVIEW_PLACEHOLDERS.items():
            if name in exchange.request_headers:
                exchange.request_headers[name] = placeholder
        return exchange

    def _prepare(
        self, call: Call, authorization: str | None
    ) -> tuple[requests.PreparedRequest, bytes | None]:
        headers = dict(call.headers)
        if authorization:
            headers["Authorization"] = authorization
        data = None
        if call.body is not None:
            data = json.dumps(call.body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        prepared = self.session.prepare_request(
            requests.Request(call.method, self.base_url + call.path, headers=headers, data=data)
        )
        return prepared, data

    def _exchange(
        self, call: Call, prepared: requests.PreparedRequest, data: bytes | None, attempt: int
    ) -> Exchange:
        return Exchange(
            method=call.method,
            url=prepared.url or "",
            operation=call.operation,
            target=self.target,
            request_headers=dict(prepared.headers),
            request_body=data.decode("utf-8") if data is not None else None,
            reference=call.reference,
            idempotency_key=call.idempotency_key,
            attempt=attempt,
        )

    def _send(self, call: Call, attempt: int) -> Outcome:
        """Send one attempt and hand its Exchange to the recorder, whatever happened."""
        authorization = call.auth() if call.auth is not None else None
        prepared, data = self._prepare(call, authorization)
        exchange = self._exchange(call, prepared, data, attempt)
        started = time.perf_counter()
        try:
            env = self.session.merge_environment_settings(prepared.url, {}, None, None, None)
            response = self.session.send(
                prepared, timeout=self.timeout, allow_redirects=False, **env
            )
            exchange.status = response.status_code
            exchange.response_headers = dict(response.headers)
            exchange.response_body = response.text
        except requests.RequestException as exc:
            exchange.error = f"{type(exc).__name__}: {exc}"
        exchange.latency_ms = round((time.perf_counter() - started) * 1000, 1)
        return Outcome(exchange, self._record(exchange), authorization)

    def _record(self, exchange: Exchange) -> Exchange:
        """Log and record; return the recorder's stored copy when it gives one back."""
        logger.info(
            "%s %s -> %s (%.0f ms, attempt %d)",
            exchange.method,
            exchange.url,
            exchange.status if exchange.status is not None else exchange.error,
            exchange.latency_ms or 0,
            exchange.attempt,
        )
        if self.recorder is None:
            return exchange
        try:
            stored = self.recorder.record(exchange)
        except Exception:  # noqa: BLE001
            # A broken evidence store must not hide the payment's outcome: the caller could
            # otherwise repeat a capture that already happened.
            logger.exception("Recording the exchange failed; the request itself completed.")
            return exchange
        return stored if isinstance(stored, Exchange) else exchange

    def _result(self, call: Call, outcome: Outcome) -> ApiResult:
        # Decide and parse on the raw exchange (the token body must stay readable); hand out the
        # recorder's copy, so results and errors shown in a UI carry no secret.
        exchange, evidence = outcome.exchange, outcome.evidence
        if exchange.status is None:
            # The retry advice only holds for calls that carry a key (create, capture, ...).
            keyed = call.idempotency_key is not None
            advice = "; retrying with the same Idempotency-Key is safe" if keyed else ""
            raise NetworkError(
                f"{_verb(call.operation)} got no response from {self.base_url} "
                f"({exchange.error}) — check that the target is running and reachable{advice}.",
                exchange=evidence,
            )
        if exchange.status >= 400:
            raise error_from_response(
                operation=call.operation,
                status=exchange.status,
                body=exchange.response_body,
                retry_after=outcome.retry_after,
                exchange=evidence,
            )
        return ApiResult(
            status=exchange.status,
            data=_json(exchange.response_body),
            reference=call.reference,
            idempotency_key=call.idempotency_key,
            exchange=evidence,
        )


def _json(body: str | None) -> Any:
    if not body or not body.strip():
        return None  # force approve answers 200 with no body
    try:
        return json.loads(body)
    except ValueError:
        return body  # not JSON: hand the text over rather than hide a completed operation
