"""HAR 1.2 (HTTP Archive) from exchanges, for browser developer tools and HAR viewers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lib.exchange import Exchange

CREATOR = {"name": "ePayment Lab", "version": "0.1.0"}
HTTP_VERSION = "HTTP/1.1"  # requests speaks HTTP/1.1; the exchange does not record the version


def header_list(headers: Mapping[str, str]) -> list[dict[str, str]]:
    """HAR's name/value list (kept as JSON beside each stored row: lib/recorder/rows.py)."""
    return [{"name": name, "value": value} for name, value in headers.items()]


def _header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _size(text: str | None) -> int:
    return len(text.encode("utf-8")) if text else 0


def _status_text(status: int | None) -> str:
    try:
        return HTTPStatus(status).phrase if status else ""
    except ValueError:
        return ""


def _request(e: Exchange) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": e.method,
        "url": e.url,
        "httpVersion": HTTP_VERSION,
        "cookies": [],
        "headers": header_list(e.request_headers),
        "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(e.url).query, True)],
        "headersSize": -1,
        "bodySize": _size(e.request_body),
    }
    if e.request_body is not None:
        mime = _header(e.request_headers, "content-type") or "application/octet-stream"
        request["postData"] = {"mimeType": mime, "text": e.request_body}
    return request


def _response(e: Exchange) -> dict[str, Any]:
    mime = _header(e.response_headers, "content-type") or "x-unknown"
    response: dict[str, Any] = {
        "status": e.status or 0,  # 0 = no response arrived, as browsers write it
        "statusText": _status_text(e.status),
        "httpVersion": HTTP_VERSION if e.status else "",
        "cookies": [],
        "headers": header_list(e.response_headers),
        "content": {"size": _size(e.response_body), "mimeType": mime},
        "redirectURL": _header(e.response_headers, "location") or "",
        "headersSize": -1,
        "bodySize": _size(e.response_body) if e.status else -1,
    }
    if e.response_body is not None:
        response["content"]["text"] = e.response_body
    if e.error:
        response["_error"] = e.error  # Chrome's convention for failed requests
    return response


def har_entry(e: Exchange) -> dict[str, Any]:
    """One HAR entry; our own fields start with `_` as the format allows."""
    started = e.started_at if e.started_at.tzinfo else e.started_at.replace(tzinfo=UTC)
    wait = max(float(e.latency_ms or 0.0), 0.0)
    entry: dict[str, Any] = {
        "startedDateTime": started.isoformat(),
        "time": wait,
        "request": _request(e),
        "response": _response(e),
        "cache": {},
        # The client measures one latency; it is all "wait" (request sent, awaiting response).
        "timings": {"blocked": -1, "dns": -1, "connect": -1, "ssl": -1, "send": 0, "wait": wait,
                    "receive": 0},
        "_operation": e.operation,
        "_step": e.step,
        "_reference": e.reference,
        "_idempotencyKey": e.idempotency_key,
        "_attempt": e.attempt,
        "_target": e.target,
        "_runId": e.run_id,
        "_id": e.id,
    }  # fmt: skip
    if e.error:
        entry["_error"] = e.error
    return entry


def har_text(e: Exchange) -> str:
    """One entry as the HAR export writes it (compact, as the database writes it too)."""
    return json.dumps(har_entry(e), ensure_ascii=False, separators=(",", ":"))


def har_document_ends() -> tuple[str, str]:
    """The text of a HAR document before and after its entries (for streaming them)."""
    text = json.dumps(to_har([]), ensure_ascii=False, separators=(",", ":"))
    marker = '"entries":['
    cut = text.index(marker) + len(marker)
    return text[:cut], text[cut:]


def to_har(exchanges: Iterable[Exchange], comment: str = "") -> dict[str, Any]:
    """A complete HAR 1.2 document (a dict; `json.dumps` it)."""
    log: dict[str, Any] = {
        "version": "1.2",
        "creator": dict(CREATOR),
        "pages": [],
        "entries": [har_entry(e) for e in exchanges],
    }
    if comment:
        log["comment"] = comment
    return {"log": log}
