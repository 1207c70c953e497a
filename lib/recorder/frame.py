"""Exchanges as a pandas DataFrame (one row per exchange) and back."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from lib.exchange import Exchange

# Column order: what a reader scans first, then the bulky headers and bodies.
COLUMNS: list[str] = [
    "time", "run", "step", "operation", "method", "url", "status", "latency_ms", "reference",
    "idempotency_key", "attempt", "error", "target", "id",
    "request_headers", "request_body", "response_headers", "response_body",
]  # fmt: skip
# A compact selection for notebooks and tables; bodies stay in the full frame.
SUMMARY_COLUMNS: list[str] = [
    "time",
    "step",
    "operation",
    "method",
    "status",
    "latency_ms",
    "reference",
    "attempt",
    "error",
]
_STRING_COLUMNS = [c for c in COLUMNS if c not in ("time", "status", "latency_ms", "attempt", "id")]


def _row(e: Exchange) -> dict[str, Any]:
    return {
        "time": e.started_at, "run": e.run_id, "step": e.step, "operation": e.operation,
        "method": e.method, "url": e.url, "status": e.status, "latency_ms": e.latency_ms,
        "reference": e.reference, "idempotency_key": e.idempotency_key, "attempt": e.attempt,
        "error": e.error, "target": e.target, "id": e.id,
        "request_headers": json.dumps(e.request_headers, ensure_ascii=False),
        "request_body": e.request_body,
        "response_headers": json.dumps(e.response_headers, ensure_ascii=False),
        "response_body": e.response_body,
    }  # fmt: skip


def exchanges_to_dataframe(exchanges: Iterable[Exchange]) -> pd.DataFrame:
    """One row per exchange; `time` is tz-aware UTC, `status`/`id` nullable integers."""
    frame = pd.DataFrame([_row(e) for e in exchanges], columns=COLUMNS)
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    frame["status"] = frame["status"].astype("Int64")
    frame["id"] = frame["id"].astype("Int64")
    frame["attempt"] = frame["attempt"].astype("int64")
    frame["latency_ms"] = frame["latency_ms"].astype("float64")
    for column in _STRING_COLUMNS:
        # object dtype with None for missing: one marker everywhere (pandas 3 would pick NaN).
        values = frame[column].astype("object")
        frame[column] = values.where(values.notna(), None)
    return frame


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns a person reads first, for `display()` in Jupyter or a dashboard table."""
    return frame[[c for c in SUMMARY_COLUMNS if c in frame.columns]]


def plain_value(value: Any) -> Any:
    """pandas' missing markers (NaN, NaT, <NA>) as None; numpy scalars as Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def dataframe_to_exchanges(frame: pd.DataFrame) -> list[Exchange]:
    """Rebuilds exchanges from a frame made by `exchanges_to_dataframe` (e.g. after filtering)."""
    missing = {"time", "operation", "method", "url"} - set(frame.columns)
    if missing:
        raise ValueError(f"Not an evidence table: columns {sorted(missing)} are missing.")
    result: list[Exchange] = []
    for record in frame.to_dict("records"):
        row = {key: plain_value(value) for key, value in record.items()}
        result.append(
            Exchange(
                method=row["method"], url=row["url"], operation=row["operation"],
                target=row.get("target") or "simulator",
                started_at=pd.Timestamp(row["time"]).to_pydatetime(),
                request_headers=json.loads(row.get("request_headers") or "{}"),
                request_body=row.get("request_body"),
                status=None if row.get("status") is None else int(row["status"]),
                response_headers=json.loads(row.get("response_headers") or "{}"),
                response_body=row.get("response_body"), latency_ms=row.get("latency_ms"),
                reference=row.get("reference"), idempotency_key=row.get("idempotency_key"),
                attempt=int(row.get("attempt") or 1), error=row.get("error"),
                step=row.get("step"), run_id=row.get("run"),
                id=None if row.get("id") is None else int(row["id"]),
            )
        )  # fmt: skip
    return result
