"""The evidence router: each delivery in the run of the session that knows its payment."""

from __future__ import annotations

import threading
from pathlib import Path

from lib.exchange import Exchange
from lib.recorder import Recorder
from lib.webhooks.router import FALLBACK_LABEL, SessionEvidence


def delivery(reference: str, note: str = "") -> Exchange:
    body = f'{{"reference": "{reference}", "note": "{note}"}}'
    return Exchange("POST", "http://127.0.0.1/wh", "webhook_delivery", reference=reference,
                    request_body=body)  # fmt: skip


def get(reference: str) -> Exchange:
    return Exchange("GET", f"http://sim/payments/{reference}", "get_payment", reference=reference)


def test_each_delivery_goes_to_the_session_that_knows_its_payment(tmp_path: Path) -> None:
    first = Recorder.open(tmp_path / "evidence.sqlite", run_label="first")
    second = Recorder.open(tmp_path / "evidence.sqlite", run_label="second")
    evidence = SessionEvidence(owner_wait=0)
    evidence.join(first)
    evidence.join(second)
    second.record(get("ref-two"))
    evidence.add_secret("a-webhook-secret-value")

    evidence.record(delivery("ref-two", "a-webhook-secret-value"))
    evidence.record(delivery("ref-nobody", "a-webhook-secret-value"))  # a run of its own
    assert [e.reference for e in second.exchanges(operation="webhook_delivery")] == ["ref-two"]
    assert first.exchanges(operation="webhook_delivery") == []
    everything = first.exchanges("all", operation="webhook_delivery")
    assert sorted(str(e.reference) for e in everything) == ["ref-nobody", "ref-two"]
    assert all("a-webhook-secret-value" not in (e.request_body or "") for e in everything)
    fallback = {r.id: r.label for r in first.runs()}
    assert fallback[evidence.process_recorder().run_id] == FALLBACK_LABEL  # type: ignore[union-attr]


def test_a_delivery_before_its_201_is_logged_waits_for_the_owner(tmp_path: Path) -> None:
    owner = Recorder.open(tmp_path / "evidence.sqlite", run_label="owner")
    evidence = SessionEvidence(owner_wait=30)  # a bound, not a timing: found in ~0.1 s
    evidence.join(owner)
    late = threading.Timer(0.1, owner.record, [get("ref-late")])
    late.start()
    evidence.record(delivery("ref-late"))
    late.join()
    assert [e.reference for e in owner.exchanges(operation="webhook_delivery")] == ["ref-late"]


def test_a_secret_learnt_before_a_session_joins_is_redacted_in_it(tmp_path: Path) -> None:
    evidence = SessionEvidence(owner_wait=0)
    evidence.add_secret("learnt-before-anyone-joined")
    late = Recorder.open(tmp_path / "evidence.sqlite", run_label="late")
    evidence.join(late)
    late.record(get("ref-s"))
    stored = evidence.record(delivery("ref-s", "learnt-before-anyone-joined"))
    assert "learnt-before-anyone-joined" not in (stored.request_body or "")
    assert stored.id is not None
