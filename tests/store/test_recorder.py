"""Recorder behaviour on both stores: record and read back, runs, notes, filters, the DataFrame."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from lib.exchange import Exchange
from lib.recorder import (
    COLUMNS,
    PostgresStore,
    Recorder,
    SqliteStore,
    Store,
    open_store,
    summary,
)
from lib.recorder.frame import dataframe_to_exchanges


def _exchange(operation: str = "get_payment", **fields: object) -> Exchange:
    base: dict[str, object] = {
        "method": "GET",
        "url": "http://127.0.0.1:1/epayment/v1/payments/ref-00000001",
        "operation": operation,
        "status": 200,
        "reference": "ref-00000001",
        "response_headers": {"Content-Type": "application/json"},
        "response_body": '{"state": "CREATED"}',
        "latency_ms": 3.5,
    }
    base.update(fields)
    return Exchange(**base)  # type: ignore[arg-type]


def test_record_returns_stored_copy_with_id_and_run(recorder: Recorder) -> None:
    original = _exchange(request_headers={"Authorization": "Bearer tok-123456789"})
    stored = recorder.record(original)
    assert stored.id is not None and stored.run_id == recorder.run_id
    assert original.id is None and original.run_id is None  # the caller's object is untouched
    [read] = recorder.exchanges()
    assert read == stored
    assert read.request_headers["Authorization"] == "Bearer «redacted:access_token»"


def test_failed_exchange_round_trips(recorder: Recorder) -> None:
    failed = _exchange(status=None, response_headers={}, response_body=None, latency_ms=None,
                       error="ConnectTimeout: no answer", attempt=2)  # fmt: skip
    recorder.record(failed)
    [read] = recorder.exchanges()
    assert (read.status, read.error, read.attempt) == (None, "ConnectTimeout: no answer", 2)


def test_runs_group_exchanges_and_count(recorder: Recorder) -> None:
    first = recorder.run_id
    recorder.record(_exchange())
    second = recorder.start_run("second")
    recorder.record(_exchange())
    recorder.record(_exchange())
    runs = {run.id: run for run in recorder.runs()}
    assert (runs[first].label, runs[first].count) == ("first", 1)
    assert (runs[second].label, runs[second].count) == ("second", 2)
    assert runs[second].started_at.tzinfo is not None
    assert len(recorder.exchanges()) == 2  # current run only
    assert len(recorder.exchanges(run_id=first)) == 1
    assert len(recorder.exchanges(run_id="all")) == 3
    recorder.resume_run(first)
    assert recorder.record(_exchange()).run_id == first
    with pytest.raises(KeyError):
        recorder.resume_run("no-such-run")


def test_filters_by_reference_and_operation(recorder: Recorder) -> None:
    recorder.record(_exchange("create_payment", reference="ref-aaaaaaaa"))
    recorder.record(_exchange("get_payment", reference="ref-aaaaaaaa"))
    recorder.record(_exchange("get_payment", reference="ref-bbbbbbbb"))
    assert len(recorder.exchanges(reference="ref-aaaaaaaa")) == 2
    assert len(recorder.exchanges(operation="get_payment")) == 2
    assert len(recorder.exchanges(reference="ref-bbbbbbbb", operation="get_payment")) == 1


def test_run_meta_get_set_delete(recorder: Recorder) -> None:
    recorder.set_run_meta("checklist.refund", "verified manually")
    recorder.set_run_meta("checklist.refund", "verified twice")
    recorder.set_run_meta("tester", "QA")
    other = recorder.start_run("other")
    assert recorder.run_meta(other) == {}
    first = recorder.runs()[0].id
    assert recorder.get_run_meta("checklist.refund", first) == "verified twice"
    assert recorder.run_meta(first) == {"checklist.refund": "verified twice", "tester": "QA"}
    recorder.set_run_meta("tester", None, first)
    assert recorder.get_run_meta("tester", first) is None


def test_run_meta_is_value_redacted(recorder: Recorder) -> None:
    recorder.add_secret("sub-key-abcdef", "subscription_key")
    recorder.set_run_meta("note", "pasted sub-key-abcdef by mistake")
    assert recorder.get_run_meta("note") == "pasted «redacted:subscription_key» by mistake"


def test_dataframe_columns_and_types(recorder: Recorder) -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    recorder.record(_exchange(step="2. create", started_at=when))
    recorder.record(_exchange(status=None, error="ReadTimeout: slow", latency_ms=None))
    frame = recorder.to_dataframe()
    assert list(frame.columns) == COLUMNS
    assert COLUMNS[:12] == [
        "time", "run", "step", "operation", "method", "url", "status",
        "latency_ms", "reference", "idempotency_key", "attempt", "error",
    ]  # fmt: skip
    assert isinstance(frame["time"].dtype, pd.DatetimeTZDtype)
    assert str(frame["time"].dt.tz) == "UTC"
    assert frame["time"].iloc[0] == pd.Timestamp("2026-01-02T03:04:05Z")
    assert str(frame["status"].dtype) == "Int64"
    assert frame["status"].isna().tolist() == [False, True]
    assert frame["request_headers"].iloc[0] == "{}"
    assert list(summary(frame).columns)[0] == "time"


def test_dataframe_all_runs_and_round_trip(recorder: Recorder) -> None:
    recorder.record(_exchange())
    recorder.start_run("b")
    recorder.record(_exchange(status=None, error="x"))
    assert len(recorder.to_dataframe()) == 1
    frame = recorder.to_dataframe(all_runs=True)
    assert len(frame) == 2
    assert dataframe_to_exchanges(frame) == recorder.exchanges(run_id="all")


def test_empty_dataframe_has_the_columns(recorder: Recorder) -> None:
    frame = recorder.to_dataframe()
    assert frame.empty and list(frame.columns) == COLUMNS


def test_open_accepts_sqlite_url_and_refuses_other_urls(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'u.sqlite'}")
    assert isinstance(store, Store) and isinstance(store, SqliteStore)
    Recorder.open(store=store).record(_exchange())
    assert (tmp_path / "u.sqlite").exists()
    with pytest.raises(ValueError, match="postgresql://"):
        open_store("mysql://qa@db/evidence")


def test_the_url_chooses_the_backend(location: str) -> None:
    with Recorder.open(location, run_label="chosen") as rec:
        expected = PostgresStore if location.startswith("postgresql") else SqliteStore
        assert isinstance(rec.store, expected)
        assert rec.record(_exchange()).id is not None


def test_open_without_a_path_follows_the_environment(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EPAYMENT_LAB_DB", location)
    with Recorder.open(run_label="from env") as rec:
        rec.record(_exchange())
    with Recorder.open(location, run_label="reader") as reader:
        assert [r.label for r in reader.runs()] == ["from env", "reader"]
        assert reader.runs()[0].count == 1


def test_exchange__by_id_from_any_run(recorder: Recorder) -> None:
    first = recorder.record(
        Exchange("POST", "http://h/epayment/v1/payments", "create_payment", reference="ref-one",
                 request_headers={"Authorization": "Bearer secret-token-value"}, status=201)
    )  # fmt: skip
    recorder.start_run("second")
    second = recorder.record(Exchange("GET", "http://h/x", "get_payment", reference="ref-two"))
    assert first.id is not None and second.id is not None
    found = recorder.exchange(first.id)
    assert found == recorder.exchanges("all")[0]
    assert found is not None and found.reference == "ref-one" and found.status == 201
    assert found.request_headers["Authorization"] == "Bearer «redacted:access_token»"
    assert recorder.exchange(second.id) is not None
    assert recorder.exchange(second.id + 100) is None
