"""Exchanges to table rows and back (headers as JSON text, the MSN picked out for filters)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from lib.exchange import Exchange


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def exchange_row(e: Exchange) -> dict[str, Any]:
    """The `exchanges` row of an exchange (its id left to the database)."""
    return {
        "run_id": e.run_id, "started_at": e.started_at, "target": e.target, "step": e.step,
        "operation": e.operation, "method": e.method, "url": e.url,
        "request_headers": json.dumps(e.request_headers, ensure_ascii=False),
        "request_body": e.request_body, "status": e.status,
        "response_headers": json.dumps(e.response_headers, ensure_ascii=False),
        "response_body": e.response_body, "latency_ms": e.latency_ms, "reference": e.reference,
        "idempotency_key": e.idempotency_key, "attempt": e.attempt, "error": e.error,
        "msn": header_value(e.request_headers, "Merchant-Serial-Number"),
    }  # fmt: skip


def to_exchange(row: Mapping[str, Any]) -> Exchange:
    """An Exchange from a row read with EXCHANGE_COLUMNS (headers may be absent: summary rows)."""
    data = dict(row)
    data["request_headers"] = json.loads(data.get("request_headers") or "{}")
    data["response_headers"] = json.loads(data.get("response_headers") or "{}")
    data.pop("msn", None)
    return Exchange(**data)
