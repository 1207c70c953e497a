"""Exchanges to table rows and back (headers as JSON text, the MSN picked out for filters)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from lib.exchange import Exchange
from lib.recorder.curl import stored_header_options
from lib.recorder.har import header_list
from lib.recorder.schema import as_utc


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


# Stored beside the headers (schema 4): column -> (headers, name), the values HAR looks up.
LOOKED_UP: dict[str, tuple[str, str]] = {
    "request_content_type": ("request_headers", "content-type"),
    "response_content_type": ("response_headers", "content-type"),
    "response_location": ("response_headers", "location"),
}


def as_text(headers: Mapping[str, Any]) -> dict[str, str]:
    """Headers as stored: a str -> str mapping (HTTP sends text; a number a caller put in
    becomes its text)."""
    return {str(k): v if isinstance(v, str) else str(v) for k, v in headers.items()}


# Stored beside the headers (schema 5): the request headers as a curl command's -H options.
CURL_HEADERS = "curl_headers"
# Stored beside the headers (schema 6): each as HAR's name/value list, the JSON text a HAR entry
# holds (lib/recorder/har.py), so a bulk HAR export copies it (lib/recorder/bulk_har.py).
HAR_HEADERS: dict[str, str] = {
    "request_har_headers": "request_headers",
    "response_har_headers": "response_headers",
}


def har_header_list(headers: Mapping[str, str]) -> str:
    return json.dumps(header_list(headers), ensure_ascii=False, separators=(",", ":"))


def exchange_row(e: Exchange) -> dict[str, Any]:
    """The `exchanges` row of an exchange (its id left to the database)."""
    # The headers as the export reads them back: stored as JSON (the text the bulk exports
    # print, lib/recorder/bulk_har.py), and each form kept beside them made from these, once.
    text = {name: as_text(getattr(e, name)) for name in ("request_headers", "response_headers")}
    return {
        "run_id": e.run_id, "started_at": e.started_at, "target": e.target, "step": e.step,
        "operation": e.operation, "method": e.method, "url": e.url,
        "request_headers": json.dumps(text["request_headers"], ensure_ascii=False),
        "request_body": e.request_body, "status": e.status,
        "response_headers": json.dumps(text["response_headers"], ensure_ascii=False),
        "response_body": e.response_body, "latency_ms": e.latency_ms, "reference": e.reference,
        "idempotency_key": e.idempotency_key, "attempt": e.attempt, "error": e.error,
        "msn": header_value(e.request_headers, "Merchant-Serial-Number"),
        **{column: header_value(getattr(e, headers), name) or ""
           for column, (headers, name) in LOOKED_UP.items()},
        CURL_HEADERS: stored_header_options(text["request_headers"]),  # schema 5
        **{column: har_header_list(text[headers]) for column, headers in HAR_HEADERS.items()},
    }  # fmt: skip


def to_exchange(row: Mapping[str, Any]) -> Exchange:
    """An Exchange from a row read with EXCHANGE_COLUMNS (headers may be absent: summary rows)."""
    data = dict(row)
    data["request_headers"] = json.loads(data.get("request_headers") or "{}")
    data["response_headers"] = json.loads(data.get("response_headers") or "{}")
    for name in ("msn", *LOOKED_UP, CURL_HEADERS, *HAR_HEADERS):
        data.pop(name, None)
    return Exchange(**data)


def count_keys(exchange: Exchange, found: Sequence[Any]) -> list[dict[str, Any]]:
    """The proof_counts keys an exchange's proofs add one to (its run, target, UTC day)."""
    day = as_utc(exchange.started_at).date().isoformat()
    where = {"target": exchange.target or "", "day": day, "run_id": exchange.run_id or ""}
    return [{"kind": p.kind, **where, "n": 1} for p in found]


def without_nul(e: Exchange) -> Exchange:
    """PostgreSQL text cannot hold NUL: it is stored as U+FFFD (the replacement character)."""

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("\x00", "\ufffd")
        if isinstance(value, dict):
            return {clean(k): clean(v) for k, v in value.items()}
        return value

    changes: dict[str, Any] = {k: clean(v) for k, v in vars(e).items()}
    return replace(e, **changes)
