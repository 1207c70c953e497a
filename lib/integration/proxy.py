"""The recording proxy: forwards requests unchanged upstream over verified TLS, records beside."""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from types import TracebackType

import aiohttp
from aiohttp import web
from multidict import CIMultiDict
from yarl import URL

from lib.exchange import utc_now
from lib.integration.capture import Captured

# Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection, not to the message; Host and
# Content-Length are set again for the upstream connection (same body, so the same length).
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
# aiohttp's client would add these when absent; the proxy sends only what the system sent.
NO_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
Submit = Callable[[Captured], None]


def tls_context(ca_file: str | None = None) -> ssl.SSLContext:
    """Verified TLS: the system's trust store, or `ca_file` (e.g. a test's throwaway CA)."""
    return ssl.create_default_context(cafile=ca_file)


def _forwarded(headers: Mapping[str, str]) -> CIMultiDict[str]:
    return CIMultiDict((k, v) for k, v in headers.items() if k.lower() not in HOP_BY_HOP)


class RecordingProxy:
    """`with RecordingProxy("https://apitest.vipps.no", submit=recorder.submit) as p: p.base_url`.

    Never alters traffic: when the upstream gives no answer the client gets 502 (there is no
    answer to pass on) and the exchange is recorded with no status. `submit` must not block.
    """

    def __init__(
        self,
        upstream: str,
        *,
        submit: Submit,
        port: int = 0,
        ca_file: str | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.submit = submit
        self.host, self.port = "127.0.0.1", port
        self.ca_file = ca_file
        self.timeout = aiohttp.ClientTimeout(sock_connect=connect_timeout, sock_read=read_timeout)
        self.submit_failures = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stopping: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- lifecycle (the SimulatorServer's shape: a loop in a daemon thread) -------------------

    def start(self, timeout: float = 15.0) -> RecordingProxy:
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._run, name="integration-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout) or self._error is not None:
            self._thread = None
            raise OSError(f"the proxy could not start on port {self.port}: {self._error}")
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None or self._loop is None:
            return
        if self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout)
        self._thread = None

    def __enter__(self) -> RecordingProxy:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as error:  # reported to start() when it happens before readiness
            self._error = error
            self._ready.set()
        finally:
            loop.close()

    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        ssl_context = tls_context(self.ca_file) if self.upstream.startswith("https:") else False
        connector = aiohttp.TCPConnector(ssl=ssl_context, limit=0)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self.timeout,
            auto_decompress=False,  # bytes out = bytes in, compressed or not
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=NO_AUTO_HEADERS,
        )
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
            await site.start()
            self.port = runner.addresses[0][1]
            self._ready.set()
            await self._stopping.wait()
        finally:
            await runner.cleanup()
            await self._session.close()

    # -- forwarding --------------------------------------------------------------------------

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        started, clock = utc_now(), time.perf_counter()
        body = await request.read()
        assert self._session is not None
        url = URL(self.upstream + request.raw_path, encoded=True)
        try:
            async with self._session.request(
                request.method,
                url,
                headers=_forwarded(request.headers),
                data=body or None,
                allow_redirects=False,
            ) as answer:
                raw = await answer.read()
                status, headers = answer.status, answer.headers
        except (aiohttp.ClientError, TimeoutError) as error:
            text = f"{type(error).__name__}: {error}"
            self._record(request, body, started, clock, None, {}, b"", text)
            return _bad_gateway(self.upstream, text)
        response = web.Response(status=status, body=raw, headers=_forwarded(headers))
        self._record(request, body, started, clock, status, dict(headers), raw, None)
        return response

    def _record(
        self,
        request: web.Request,
        body: bytes,
        started: datetime,
        clock: float,
        status: int | None,
        headers: dict[str, str],
        raw: bytes,
        error: str | None,
    ) -> None:
        try:
            self.submit(
                Captured(
                    request.method,
                    request.path,
                    request.query_string,
                    dict(request.headers),
                    body,
                    status,
                    headers,
                    raw,
                    started,
                    round((time.perf_counter() - clock) * 1000, 2),
                    error,
                )
            )
        except Exception:  # noqa: BLE001 - recording must never change what the client gets
            self.submit_failures += 1


def _bad_gateway(upstream: str, error: str) -> web.Response:
    problem = {
        "type": "about:blank",
        "title": "Bad Gateway",
        "status": 502,
        "detail": f"ePayment Lab's recording proxy got no answer from {upstream} ({error}).",
    }
    return web.Response(
        status=502, text=json.dumps(problem), content_type="application/problem+json"
    )


__all__ = ["RecordingProxy", "tls_context"]
