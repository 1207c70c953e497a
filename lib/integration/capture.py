"""One captured request and answer (from the simulator's observer or the proxy), as an Exchange."""

from __future__ import annotations

import contextlib
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lib.exchange import Exchange, utc_now
from lib.integration.operations import operation_of, reference_of

SYSTEM_HEADERS = ("Vipps-System-Name", "Vipps-System-Plugin-Name")
SystemKey = tuple[str | None, str | None]


@dataclass(frozen=True)
class Captured:
    """Bytes as they crossed the wire; `status` None when no answer came (`error` says why)."""

    method: str
    path: str
    query: str
    request_headers: Mapping[str, str]
    request_body: bytes
    status: int | None
    response_headers: Mapping[str, str]
    response_body: bytes
    started_at: datetime = field(default_factory=utc_now)
    latency_ms: float | None = None
    error: str | None = None


def from_observed(observed: Any, started_at: datetime | None = None) -> Captured:
    """The simulator's `ObservedExchange` (duck-typed: lib never needs the simulator for this)."""
    return Captured(
        method=observed.method,
        path=observed.path,
        query=observed.query_string,
        request_headers=dict(observed.request_headers),
        request_body=bytes(observed.request_body or b""),
        status=observed.status,
        response_headers=dict(observed.response_headers),
        response_body=bytes(observed.response_body or b""),
        started_at=started_at or utc_now(),
        error=None if observed.status is not None else "connection dropped by the simulator",
    )


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value whatever the case of its name."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def system_of(headers: Mapping[str, str]) -> SystemKey:
    """(Vipps-System-Name, Vipps-System-Plugin-Name): which system sent a request."""
    name, plugin = (_clean(header(headers, h)) for h in SYSTEM_HEADERS)
    return name, plugin


def _clean(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _text(body: bytes, headers: Mapping[str, str]) -> str | None:
    if not body:
        return None
    encoding = (header(headers, "Content-Encoding") or "").lower()
    if encoding in ("gzip", "deflate"):
        # The evidence shows what the body says; the wire kept it compressed.
        with contextlib.suppress(zlib.error):
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS if encoding == "gzip" else 0)
    return body.decode("utf-8", errors="replace")


def _body_reference(body: str | None) -> str | None:
    if not body or not body.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    value = data.get("reference") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def to_exchange(captured: Captured, base_url: str, target: str) -> Exchange:
    """The Exchange to record: operation and reference named as lib/epayment names them."""
    request_body = _text(captured.request_body, captured.request_headers)
    operation = operation_of(captured.method, captured.path)
    reference = reference_of(captured.path)
    if reference is None and operation == "create_payment":
        reference = _body_reference(request_body)
    url = base_url.rstrip("/") + captured.path + (f"?{captured.query}" if captured.query else "")
    return Exchange(
        method=captured.method,
        url=url,
        operation=operation,
        target=target,
        started_at=captured.started_at,
        request_headers=dict(captured.request_headers),
        request_body=request_body,
        status=captured.status,
        response_headers=dict(captured.response_headers),
        response_body=_text(captured.response_body, captured.response_headers),
        latency_ms=captured.latency_ms,
        reference=reference,
        idempotency_key=header(captured.request_headers, "Idempotency-Key"),
        error=captured.error,
    )
