"""Recorder.exchange(id): one stored exchange by id, from any run, without reading the rest."""

from __future__ import annotations

from pathlib import Path

from lib.exchange import Exchange
from lib.recorder import Recorder


def test_exchange__by_id_from_any_run(tmp_path: Path) -> None:
    recorder = Recorder.open(tmp_path / "e.sqlite", run_label="first")
    first = recorder.record(
        Exchange("POST", "http://h/epayment/v1/payments", "create_payment", reference="ref-one",
                 request_headers={"Authorization": "Bearer secret-token-value"}, status=201)
    )  # fmt: skip
    recorder.add_secret("secret-token-value")
    recorder.start_run("second")
    second = recorder.record(Exchange("GET", "http://h/x", "get_payment", reference="ref-two"))
    assert first.id is not None and second.id is not None
    found = recorder.exchange(first.id)
    assert found == recorder.exchanges("all")[0]
    assert found.reference == "ref-one" and found.status == 201 and found.step is None
    assert recorder.exchange(second.id).operation == "get_payment"
    assert recorder.exchange(second.id + 100) is None
