"""The recording proxy: bytes in = bytes out over verified TLS, recording beside the forwarding."""

from __future__ import annotations

import base64
import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from lib.integration.session import IntegrationSession
from lib.recorder import SqliteStore
from tests.integration.tls import Certificates, TlsFront

ODD_PATH = "/epayment/v1/payments/acme%2F1001/capture?x=1&y=%20a&x=2"
MALFORMED = b'{"amount": 10.5, "reference": '


class Echo(BaseHTTPRequestHandler):
    """Answers 418 with what it received (gzip-compressed JSON) and headers a proxy could lose."""

    protocol_version = "HTTP/1.1"
    sent: list[bytes] = []

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        seen = {
            "method": self.command,
            "path": self.path,
            "headers": list(self.headers.items()),
            "body": base64.b64encode(body).decode(),
        }
        raw = gzip.compress(json.dumps(seen).encode())
        Echo.sent.append(raw)
        self.send_response(418)
        for name, value in (
            ("Content-Type", "application/json"),
            ("Content-Encoding", "gzip"),
            ("X-Upstream", "echo"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
            ("Content-Length", str(len(raw))),
        ):
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = do_DELETE = _answer  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def echo_upstream(certificates: Certificates) -> Iterator[TlsFront]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with TlsFront(certificates, server.server_address[1]) as front:
        yield front
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(
    store: SqliteStore, certificates: Certificates, echo_upstream: TlsFront
) -> Iterator[IntegrationSession]:
    session = IntegrationSession(
        echo_upstream.base_url, store=store, ca_file=str(certificates.ca_file)
    ).start()
    yield session
    session.stop()


def send(base_url: str, method: str, path: str, body: bytes, **headers: str) -> requests.Response:
    return requests.request(
        method,
        base_url + path,
        data=body,
        stream=True,
        timeout=10,
        headers={k.replace("_", "-"): v for k, v in headers.items()},
    )


def test_forwards_request_and_answer_unchanged(proxy: IntegrationSession) -> None:
    body = b'{"modificationAmount": {"currency": "NOK", "value": 1000}}'
    answer = send(
        proxy.base_url,
        "POST",
        ODD_PATH,
        body,
        Idempotency_Key="k-1",
        Authorization="Bearer abc",
        X_Odd="odd; value=1, x",
        Content_Type="text/odd",
    )
    raw = answer.raw.read(decode_content=False)
    assert answer.status_code == 418 and raw == Echo.sent[-1]  # compressed bytes, untouched
    assert answer.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]
    assert answer.headers["X-Upstream"] == "echo" and answer.headers["Content-Encoding"] == "gzip"
    seen = json.loads(gzip.decompress(raw))
    assert answer.request.path_url == ODD_PATH  # as sent, %2F and all
    assert (seen["method"], seen["path"]) == ("POST", ODD_PATH)
    assert base64.b64decode(seen["body"]) == body
    sent = {k: v for k, v in answer.request.headers.items() if k.lower() != "connection"}
    received = {k: v for k, v in seen["headers"] if k.lower() != "host"}
    assert received == sent  # nothing added, dropped or changed but Host (and Connection)


def test_malformed_request_is_forwarded_and_recorded(proxy: IntegrationSession) -> None:
    answer = send(proxy.base_url, "POST", "/epayment/v1/payments", MALFORMED)
    seen = json.loads(gzip.decompress(answer.raw.read(decode_content=False)))
    assert base64.b64decode(seen["body"]) == MALFORMED
    proxy.stop()
    [exchange] = proxy.exchanges()
    assert (exchange.operation, exchange.status) == ("create_payment", 418)
    assert exchange.request_body == MALFORMED.decode()
    assert json.loads(exchange.response_body or "")["method"] == "POST"  # recorded decompressed
    rules = {f.rule for f in proxy.findings()}
    assert "spec.request-invalid" in rules and "idempotency.missing-key" in rules


def test_tls_is_verified(store: SqliteStore, echo_upstream: TlsFront) -> None:
    # Without the throwaway CA the upstream's certificate is not trusted: no traffic passes.
    with IntegrationSession(echo_upstream.base_url, store=store) as session:
        answer = requests.get(session.base_url + "/epayment/v1/payments/acme-1001-1", timeout=10)
    assert answer.status_code == 502 and "CERTIFICATE_VERIFY_FAILED" in answer.text
    [exchange] = session.exchanges()
    assert exchange.status is None and "CERTIFICATE_VERIFY_FAILED" in (exchange.error or "")


class BrokenStore(SqliteStore):
    def add_exchange(self, exchange: Any) -> int:
        raise OSError("disk full")


def test_a_failing_recorder_never_alters_traffic(
    tmp_path: Path, certificates: Certificates, echo_upstream: TlsFront
) -> None:
    store = BrokenStore(tmp_path / "broken.sqlite")
    with IntegrationSession(
        echo_upstream.base_url, store=store, ca_file=str(certificates.ca_file)
    ) as session:
        answers = [
            send(session.base_url, "GET", "/epayment/v1/payments/acme-1001-1", b"")
            for _ in range(3)
        ]
    assert [a.status_code for a in answers] == [418, 418, 418]
    assert session.recording_failures == 3
    assert "disk full" in (session.recorder.last_failure or "")
