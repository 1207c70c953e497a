"""The webhook receiver over real HTTP: verdicts, duplicates, evidence and registrations."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from lib.epayment.models import EventName, Money
from lib.exchange import utc_now
from lib.recorder import EXPORT_FORMATS, Recorder, export_bytes
from lib.webhooks import OPERATION, Outcome, WebhookReceiver, sign

SECRET = "receiver-test-secret-" + "s" * 40


def payload(reference: str = "ref-1", name: str = "AUTHORIZED", **extra: Any) -> bytes:
    event = {
        "msn": "123456",
        "reference": reference,
        "pspReference": extra.pop("psp", str(uuid.uuid4())),
        "name": name,
        "amount": {"currency": "NOK", "value": 1000},
        "timestamp": "2026-11-25T12:00:00.000Z",
        "success": True,
    }
    return json.dumps({**event, **extra}).encode()


def deliver(
    url: str,
    body: bytes,
    *,
    secret: str = SECRET,
    signed_for: str | None = None,
    sent_body: bytes | None = None,
    age: timedelta = timedelta(0),
    drop: str | None = None,
) -> requests.Response:
    """POST `sent_body` (default `body`) with headers signed over `body` for `signed_for`."""
    headers = sign(url=signed_for or url, body=body, secret=secret, date=utc_now() - age)
    if drop:
        del headers[drop]
    return requests.post(url, data=sent_body or body, headers=headers, timeout=10)


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[Recorder]:
    with Recorder.open(tmp_path / "evidence.sqlite", run_label="webhooks") as rec:
        yield rec


@pytest.fixture
def receiver(recorder: Recorder) -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET, recorder=recorder) as rec:
        yield rec


def test_verified_delivery__200_kept_as_event(receiver: WebhookReceiver) -> None:
    response = deliver(receiver.url, payload("ref-ok"))
    assert response.status_code == 200
    answer = response.json()
    assert answer["verdict"] == "verified" and answer["duplicate"] is False
    [event] = receiver.events("ref-ok")
    assert event.name is EventName.AUTHORIZED and event.amount == Money(1000, "NOK")
    assert event.timestamp == datetime(2026, 11, 25, 12, tzinfo=UTC)  # the event log's shape
    assert (event.msn, event.success, event.reference) == ("123456", True, "ref-ok")
    assert event.received_at.tzinfo is not None


@pytest.mark.parametrize(
    ("kwargs", "status", "outcome"),
    [
        ({"secret": "an-attacker-guessing-" + "x" * 30}, 401, Outcome.BAD_SIGNATURE),
        ({"sent_body": payload("ref-bad", psp="altered")}, 400, Outcome.CONTENT_HASH_MISMATCH),
        ({"age": timedelta(minutes=10)}, 401, Outcome.STALE_DATE),
        ({"drop": "x-ms-date"}, 400, Outcome.MISSING_DATE),
        ({"drop": "Authorization"}, 400, Outcome.MISSING_HEADERS),
    ],
    ids=["forged", "altered", "stale", "no-date", "no-signature"],
)
def test_refused_delivery__reason_answered_and_recorded(
    receiver: WebhookReceiver,
    recorder: Recorder,
    kwargs: dict[str, Any],
    status: int,
    outcome: Outcome,
) -> None:
    response = deliver(receiver.url, payload("ref-bad"), **kwargs)
    assert response.status_code == status
    assert response.json()["verdict"] == outcome.value and response.json()["reason"]
    assert receiver.events() == []
    [delivery] = receiver.deliveries()
    assert delivery.outcome is outcome and not delivery.accepted
    [exchange] = recorder.exchanges(operation=OPERATION)
    # Recorded as a refusal, under no payment: the reference it names is the sender's word.
    assert (exchange.method, exchange.status, exchange.reference) == ("POST", status, None)
    assert '"reference": "ref-bad"' in (exchange.request_body or "")  # what it claimed: kept
    assert exchange.url == receiver.url
    assert exchange.error == response.json()["reason"]
    assert json.loads(exchange.response_body or "")["verdict"] == outcome.value


def test_duplicate__answered_200_marked_and_not_a_second_event(
    receiver: WebhookReceiver, recorder: Recorder
) -> None:
    body = payload("ref-dup", psp="psp-1")
    first, second = deliver(receiver.url, body), deliver(receiver.url, body)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["duplicate"], second.json()["duplicate"]) == (False, True)
    # Same event pspReference with another name is a different event.
    assert deliver(receiver.url, payload("ref-dup", "CAPTURED", psp="psp-1")).status_code == 200
    assert [e.name for e in receiver.events("ref-dup")] == ["AUTHORIZED", "CAPTURED"]
    assert [d.duplicate for d in receiver.deliveries("ref-dup")] == [False, True, False]
    answers = [json.loads(e.response_body or "") for e in recorder.exchanges(operation=OPERATION)]
    assert [a["duplicate"] for a in answers] == [False, True, False]


def test_evidence__every_delivery_recorded_without_secret_or_signature(
    receiver: WebhookReceiver, recorder: Recorder
) -> None:
    body = payload("ref-ev")
    signature = sign(url=receiver.url, body=body, secret=SECRET, date=utc_now())["Authorization"]
    deliver(receiver.url, body)
    deliver(receiver.url, body, secret="wrong-secret-" + "w" * 20)
    exchanges = recorder.exchanges(operation=OPERATION)
    assert [e.status for e in exchanges] == [200, 401]
    assert exchanges[0].request_body == body.decode()
    assert exchanges[0].request_headers["Authorization"].startswith("HMAC-SHA256 «redacted")
    assert exchanges[0].request_headers["x-ms-content-sha256"]  # kept: not a secret
    assert "Signature=" not in str([d.headers for d in receiver.deliveries()])  # nor in memory
    for fmt in EXPORT_FORMATS:
        exported = export_bytes(exchanges, fmt)
        assert SECRET.encode() not in exported, fmt
        assert signature.split("Signature=")[1].encode() not in exported, fmt


def test_secret_registered_with_recorder(recorder: Recorder) -> None:
    receiver = WebhookReceiver(recorder=recorder)
    receiver.add_registration("http://127.0.0.1:1/x", SECRET, "reg-1")
    assert recorder.redactor.redact_text(f"leak {SECRET}") == "leak «redacted:secret»"


def test_secret_lookup__by_path(recorder: Recorder) -> None:
    def lookup(path: str) -> str | None:
        return SECRET if path.startswith("/webhooks/epayment/shop-a") else None

    with WebhookReceiver(lookup, recorder=recorder) as receiver:
        assert deliver(receiver.url_for("shop-a"), payload()).status_code == 200
        assert deliver(receiver.url_for("shop-b"), payload()).json()["verdict"] == "no_secret"


def test_no_secret_for_path__refused(recorder: Recorder) -> None:
    with WebhookReceiver(recorder=recorder) as receiver:
        response = deliver(receiver.url, payload())
        assert response.status_code == 401
        assert response.json()["verdict"] == "no_secret"


def test_registration__verified_against_registered_host_not_incoming(recorder: Recorder) -> None:
    with WebhookReceiver(recorder=recorder) as receiver:
        registered = receiver.url_for("a").replace("127.0.0.1", "localhost")
        receiver.add_registration(registered, SECRET, "reg-a")
        # The sender signs the registered URL's host (localhost:PORT); the request says 127.0.0.1.
        ok = deliver(receiver.url_for("a"), payload("ref-h"), signed_for=registered)
        assert ok.status_code == 200
        assert receiver.events("ref-h")[0].registration_id == "reg-a"
        signed_incoming = deliver(receiver.url_for("a"), payload("ref-h"))
        assert signed_incoming.json()["verdict"] == "bad_signature"


def test_registrations__secret_per_path(recorder: Recorder) -> None:
    with WebhookReceiver(recorder=recorder) as receiver:
        url_a, url_b = receiver.url_for("a"), receiver.url_for("b")
        receiver.add_registration(url_a, "secret-of-a-" + "a" * 20, "reg-a")
        receiver.add_registration(url_b, "secret-of-b-" + "b" * 20, "reg-b")
        assert deliver(url_a, payload("r"), secret="secret-of-a-" + "a" * 20).status_code == 200
        assert deliver(url_b, payload("r"), secret="secret-of-b-" + "b" * 20).status_code == 200
        assert deliver(url_b, payload("r"), secret="secret-of-a-" + "a" * 20).status_code == 401
        assert [e.registration_id for e in receiver.events("r")] == ["reg-a", "reg-b"]
        receiver.remove_registration("reg-a")
        assert deliver(url_a, payload("r"), secret="secret-of-a-" + "a" * 20).status_code == 401


def test_fail_first__refuses_then_accepts_the_same_body(recorder: Recorder) -> None:
    with WebhookReceiver(SECRET, recorder=recorder, fail_first=1) as receiver:
        body = payload("ref-retry")
        first = deliver(receiver.url, body)
        assert first.status_code == 500 and first.json()["verdict"] == "verified"
        assert receiver.events() == []
        assert deliver(receiver.url, body).status_code == 200
        assert [e.name for e in receiver.events("ref-retry")] == ["AUTHORIZED"]
        statuses = [e.status for e in recorder.exchanges(operation=OPERATION)]
        assert statuses == [500, 200]


def test_authentic_but_not_an_event__bad_payload(receiver: WebhookReceiver) -> None:
    response = deliver(receiver.url, b"not json")
    assert response.status_code == 400 and response.json()["verdict"] == "bad_payload"


def test_wait_for_events__timeout_names_what_is_missing(receiver: WebhookReceiver) -> None:
    deliver(receiver.url, payload("ref-w", "CREATED"))
    assert [e.name for e in receiver.wait_for_events("ref-w", ["CREATED"], timeout=5)] == [
        "CREATED"
    ]
    with pytest.raises(TimeoutError, match="AUTHORIZED"):
        receiver.wait_for_events("ref-w", ["CREATED", "AUTHORIZED"], timeout=0.05)


def test_get__explains_what_the_url_is(receiver: WebhookReceiver) -> None:
    response = requests.get(receiver.url, timeout=10)
    assert response.status_code == 405 and "POST" in response.text


def test_url__needs_start_and_binds_loopback() -> None:
    receiver = WebhookReceiver(SECRET)
    with pytest.raises(RuntimeError, match="start"):
        _ = receiver.url
    with receiver:
        assert receiver.url.startswith("http://127.0.0.1:") and receiver.port != 0
    assert not receiver.running


def test_refused_bodies__a_bounded_excerpt_under_no_payment(
    receiver: WebhookReceiver, recorder: Recorder
) -> None:
    """Unsigned posts of 60 KB naming a payment (and a formula) cost 2 KB each, and stay off
    that payment's evidence."""
    big = payload("=HYPERLINK(1)", padding="x" * 60_000)
    for _ in range(20):
        response = requests.post(receiver.url, data=big, timeout=10)
        assert response.status_code == 400 and response.json()["verdict"] == "missing_headers"
    assert all(len(d.body) == 2048 and d.size == len(big) for d in receiver.deliveries())
    exchanges = recorder.exchanges(operation=OPERATION)
    assert len(exchanges) == 20 and recorder.exchanges(reference="=HYPERLINK(1)") == []
    assert {len(e.request_body or "") for e in exchanges} == {2048}
    assert exchanges[0].error.endswith(f"(2,048 of {len(big):,} bytes kept)")


def test_body_over_the_limit__413_recorded_unread(
    receiver: WebhookReceiver, recorder: Recorder
) -> None:
    huge = payload("ref-huge", padding="x" * 1_000_000)
    response = deliver(receiver.url, huge)
    assert response.status_code == 413 and response.json()["verdict"] == "bad_payload"
    [delivery] = receiver.deliveries()
    assert delivery.body == b"" and delivery.size == len(huge) and not delivery.accepted
    [exchange] = recorder.exchanges(operation=OPERATION)
    assert exchange.status == 413 and exchange.reference is None and "limit" in exchange.error


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_deeply_nested_json__400_and_recorded(
    receiver: WebhookReceiver, recorder: Recorder, signed: bool
) -> None:
    deep = b"[" * 50_000 + b"]" * 10
    if signed:
        response = deliver(receiver.url, deep)
    else:
        response = requests.post(receiver.url, data=deep, timeout=10)
    assert response.status_code == 400
    assert response.json()["verdict"] == ("bad_payload" if signed else "missing_headers")
    [exchange] = recorder.exchanges(operation=OPERATION)
    assert exchange.status == 400 and exchange.reference is None
    assert [d.claimed_reference for d in receiver.deliveries()] == [None]


def test_a_broken_core__still_answers(receiver: WebhookReceiver) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("bug")

    receiver.handle = broken  # type: ignore[method-assign]
    response = deliver(receiver.url, payload())
    assert response.status_code == 500 and response.json()["verdict"] == "error"
