"""The receiver's HTTP side: a stdlib threading server on 127.0.0.1 that hands POSTs to a core."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

logger = logging.getLogger("epayment_lab.webhooks")

MAX_BODY = 64 * 1024  # a webhook payload is a few hundred bytes; refuse anything absurd
# respond(method, path_and_query, headers, body, size) -> (status, JSON body); `size` is the
# declared length, over MAX_BODY (and the body left unread, b"") when the sender sends too much
Respond = Callable[[str, str, Mapping[str, str], bytes, int], tuple[int, bytes]]


class _Handler(BaseHTTPRequestHandler):
    server: ReceiverServer
    timeout = 10  # a sender that stops mid-request must not hold a thread forever

    def do_POST(self) -> None:  # noqa: N802 (stdlib naming)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True  # the body's end is unknown: it is not read
            self._answer(400, b'{"verdict": "bad_payload", "reason": "bad Content-Length"}')
            return
        over = length > MAX_BODY
        self.close_connection = over  # the body is not read: the connection cannot carry on
        body = b"" if over else self.rfile.read(length)
        headers = dict(self.headers.items())
        try:
            answer = self.server.respond("POST", self.path, headers, body, length)
        except Exception:  # noqa: BLE001 (a sender must always get an answer)
            logger.exception("webhook receiver failed on %s", self.path)
            answer = (500, b'{"verdict": "error", "reason": "receiver error"}')
        self._answer(*answer)

    def do_GET(self) -> None:  # noqa: N802
        # A browser pointed at the URL learns what it is, instead of a bare 501.
        self._answer(405, b'{"reason": "webhook receiver: POST signed deliveries here"}')

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        logger.debug("webhook receiver: " + format, *args)


class ReceiverServer(ThreadingHTTPServer):
    """Serves in a daemon thread, so a forgotten receiver never keeps the process alive."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], respond: Respond) -> None:
        super().__init__(address, _Handler)
        self.respond = respond
        self._thread: threading.Thread | None = None

    def serve_in_thread(self) -> None:
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"webhook-receiver:{self.server_address[1]}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
