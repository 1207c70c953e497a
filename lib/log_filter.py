"""The request log's filters over the evidence table: step, status class and reference."""

from __future__ import annotations

from typing import Any

import pandas as pd

STATUS_CLASSES = ("2xx", "4xx", "5xx", "no response")


def status_class(status: Any) -> str:
    try:
        return f"{int(status) // 100}xx"
    except (TypeError, ValueError):  # None, pandas' NA, NaN: no response arrived
        return "no response"


def filter_log(
    frame: pd.DataFrame,
    steps: list[str] | None = None,
    statuses: list[str] | None = None,
    reference: str | None = None,
) -> pd.DataFrame:
    """The evidence table filtered by step, status class (2xx/4xx/5xx/no response) and reference."""
    view = frame
    if steps:
        view = view[view["step"].isin(steps)]
    if statuses:
        view = view[view["status"].map(status_class).isin(statuses)]
    if reference:
        view = view[view["reference"].fillna("").str.contains(reference, regex=False)]
    return view
