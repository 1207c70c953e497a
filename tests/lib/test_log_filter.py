"""lib.log_filter: the request log filtered by step, status class and reference."""

from __future__ import annotations

import pandas as pd

from lib.log_filter import filter_log, status_class


def test_filter_log__by_step_status_and_reference() -> None:
    frame = pd.DataFrame(
        {
            "step": ["create", "capture", "status", None],
            "status": pd.array([201, 400, 200, None], dtype="Int64"),
            "reference": ["ref-a", "ref-a", "ref-b", None],
        }
    )
    assert list(filter_log(frame, steps=["capture"])["status"]) == [400]
    assert len(filter_log(frame, statuses=["2xx"])) == 2
    assert len(filter_log(frame, statuses=["no response"])) == 1
    assert list(filter_log(frame, reference="ref-b")["step"]) == ["status"]
    assert len(filter_log(frame)) == 4
    assert status_class(503) == "5xx" and status_class(None) == "no response"
