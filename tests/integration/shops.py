"""Two reference shops written for the tests with plain requests: a careful one and a sloppy one.

`scale` shrinks the polling guidelines (5 s, then 2 s) so the tests run in a fraction of a second;
the session's rules get the same scale (Thresholds.scaled).
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import requests

from lib.epayment.models import payment_from
from lib.webhooks.signature import path_and_query, signed_host, verify
from simulator import SalesUnit

SYSTEM = {
    "Vipps-System-Name": "careful",
    "Vipps-System-Version": "1.0.0",
    "Vipps-System-Plugin-Name": "careful-webshop",
    "Vipps-System-Plugin-Version": "2.3.4",
}
EVENTS = ["epayments.payment.authorized.v1", "epayments.payment.captured.v1"]


class WebhookEndpoint:
    """The shop's webhook URL on 127.0.0.1: verifies signatures when it has a secret to check."""

    def __init__(self, *, check_signatures: bool) -> None:
        self.check_signatures = check_signatures
        self.secret: str | None = None
        self.answers: list[int] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = endpoint.answer(dict(self.headers), body)
                endpoint.answers.append(status)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/vipps/webhooks"

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        if not self.check_signatures:
            return 200  # the sloppy shop: anyone may mark an order paid
        if self.secret is None:
            return 401
        verdict = verify(
            method="POST",
            path_and_query=path_and_query(self.url),
            host=signed_host(self.url),
            headers=headers,
            body=body,
            secret=self.secret,
            now=datetime.now(UTC),
        )
        return 200 if verdict.ok else verdict.http_status

    def __enter__(self) -> WebhookEndpoint:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()


class Shop:
    """What both shops share: where the API is and the sales unit's keys."""

    careful = True

    def __init__(self, base_url: str, unit: SalesUnit, *, scale: float = 0.1) -> None:
        self.base_url = base_url.rstrip("/")
        self.unit = unit
        self.scale = scale
        self._token: str | None = None

    def fetch_token(self) -> str:
        headers = {
            "client_id": self.unit.client_id,
            "client_secret": self.unit.client_secret,
            "Ocp-Apim-Subscription-Key": self.unit.subscription_key,
            "Merchant-Serial-Number": self.unit.merchant_serial_number,
        }
        answer = requests.post(
            f"{self.base_url}/accesstoken/get", headers={**headers, **self.system()}, timeout=10
        )
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def token(self) -> str:
        if self._token is None:
            self._token = self.fetch_token()
        return self._token

    def system(self) -> dict[str, str]:
        return dict(SYSTEM)

    def headers(self, key: str | None = None) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.token()}",
            "Ocp-Apim-Subscription-Key": self.unit.subscription_key,
            "Merchant-Serial-Number": self.unit.merchant_serial_number,
            **self.system(),
        }
        return {**headers, "Idempotency-Key": key} if key else headers

    def register_webhook(self, endpoint: WebhookEndpoint) -> None:
        answer = requests.post(
            f"{self.base_url}/webhooks/v1/webhooks",
            json={"url": endpoint.url, "events": EVENTS},
            headers=self.headers(),
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        endpoint.secret = answer.json()["secret"]

    def create(self, reference: str, value: int = 2500) -> None:
        body = {
            "amount": {"currency": "NOK", "value": value},
            "paymentMethod": {"type": "WALLET"},
            "reference": reference,
            "userFlow": "WEB_REDIRECT",
            "returnUrl": "https://shop.example/return",
            "paymentDescription": "Order",
        }
        answer = requests.post(
            f"{self.base_url}/epayment/v1/payments",
            json=body,
            headers=self.headers(str(uuid.uuid4())),
            timeout=10,
        )
        assert answer.status_code == 201, answer.text

    def get_answer(self, reference: str) -> requests.Response:
        return requests.get(
            f"{self.base_url}/epayment/v1/payments/{reference}", headers=self.headers(), timeout=10
        )

    def get(self, reference: str) -> Any:
        answer = self.get_answer(reference)
        return payment_from(answer.json()) if answer.ok else None

    def modify(self, reference: str, action: str, value: int, key: str) -> requests.Response:
        return requests.post(
            f"{self.base_url}/epayment/v1/payments/{reference}/{action}",
            json={"modificationAmount": {"currency": "NOK", "value": value}},
            headers=self.headers(key),
            timeout=10,
        )


class CarefulShop(Shop):
    """One cached token, all headers, polls as the guidelines say (and slows down on 429),
    retries with the same key."""

    def wait_until_final(self, reference: str, max_polls: int = 50) -> None:
        time.sleep(5.0 * self.scale)
        for _ in range(max_polls):
            answer = self.get_answer(reference)
            if answer.status_code == 429:  # slow down: Retry-After when given
                time.sleep(float(answer.headers.get("Retry-After") or 2.0 * self.scale))
                continue
            payment = payment_from(answer.json()) if answer.ok else None
            if payment is not None and payment.is_final:
                return
            time.sleep(2.0 * self.scale)
        raise AssertionError(f"{reference} never reached a final state")

    def capture(self, reference: str, value: int) -> None:
        key = str(uuid.uuid4())
        for _ in range(3):  # the same key on every retry: the capture happens once
            answer = self.modify(reference, "capture", value, key)
            if answer.status_code < 500:
                assert answer.ok, answer.text
                return
            time.sleep(1.0 * self.scale)
        raise AssertionError("capture kept failing")

    def order(self, reference: str) -> None:
        self.create(reference)
        self.wait_until_final(reference)
        self.capture(reference, 2500)
        assert self.modify(reference, "refund", 1000, str(uuid.uuid4())).ok


class SloppyShop(Shop):
    """No Vipps-System headers, a token per call, polls every 100 ms (scaled) and after the final
    state, and retries a failed capture with a new Idempotency-Key."""

    careful = False

    def system(self) -> dict[str, str]:
        return {}

    def token(self) -> str:
        return self.fetch_token()

    def order(self, reference: str, polls_after_final: int = 5) -> None:
        self.create(reference)
        final = 0
        for _ in range(200):
            payment = self.get(reference)
            final += payment is not None and payment.is_final
            if final > polls_after_final:
                break
            time.sleep(0.1 * self.scale)
        for _ in range(3):
            if self.modify(reference, "capture", 2500, str(uuid.uuid4())).status_code < 500:
                return
