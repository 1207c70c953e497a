"""The real client on the real simulator, recorded: no secret in any export or the SQLite file."""

from __future__ import annotations

import io
import json
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from lib.epayment import EPaymentClient, EPaymentError, NetworkError
from lib.exchange import Exchange
from lib.recorder import Recorder, curl_script, export_bytes
from lib.settings import Settings

JWT = re.compile(rb"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
OPERATIONS = {
    "access_token", "create_payment", "force_approve", "get_payment", "get_payment_event_log",
    "capture_payment", "refund_payment", "cancel_payment",
}  # fmt: skip


class RecordOnly:
    """Hides add_secret from the client: the recorder must then find the secrets on its own."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder

    def record(self, exchange: Exchange) -> Exchange:
        return self._recorder.record(exchange)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _walk_quick_start(
    client: EPaymentClient, control: Callable[..., Any], recorder: Recorder
) -> str:
    """Token, create, approve, get, events, capture (a 503 first), refund, cancel, and refusals."""
    with recorder.step("1 Access token"):
        client.get_access_token()
    with recorder.step("2 Create payment"):
        ref = str(client.create_payment(amount=1000, return_url="https://example.com/r").reference)
    with recorder.step("3 Approve"):
        client.force_approve(ref, phone_number="4712345678")
    with recorder.step("4 Get payment"):
        client.get_payment(ref)
        client.get_payment_event_log(ref)
    with recorder.step("5 Capture"):
        control("POST", "/_sim/faults", {"operation": "capture_payment", "kind": "status"})
        client.capture_payment(ref, 600)  # 503 once, then retried with the same key
    with recorder.step("6 Refund"):
        with pytest.raises(EPaymentError):
            client.refund_payment(ref, 5000)  # more than captured: refused, still evidence
        client.refund_payment(ref, 200)
    with recorder.step("7 Cancel"):
        control("POST", "/_sim/clock/advance", {"seconds": 3700})  # token expires: 401, refresh
        client.cancel_payment(ref)
    return ref


def _exports(recorder: Recorder, tmp_path: Path) -> dict[str, bytes]:
    frame = recorder.to_dataframe()
    out = {fmt: export_bytes(frame, fmt) for fmt in ("csv", "json", "har", "curl")}
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(frame, "xlsx")), read_only=True)
    cells = [str(v) for row in book["exchanges"].iter_rows(values_only=True) for v in row]
    out["xlsx cells"] = "\n".join(cells).encode()
    out["curl (list)"] = curl_script(recorder.exchanges()).encode()
    return out


@pytest.mark.parametrize("secrets_from", ["client", "recorder alone"])
def test_quick_start_evidence_is_complete_and_secret_free(
    secrets_from: str,
    sim: Any,
    control: Callable[..., Any],
    make_client: Callable[..., EPaymentClient],
    sim_settings: Settings,
    tmp_path: Path,
) -> None:
    db = tmp_path / "evidence" / "lab.sqlite"
    recorder = Recorder.open(db, run_label=f"e2e ({secrets_from})")
    sink = recorder if secrets_from == "client" else RecordOnly(recorder)
    client = make_client(recorder=sink)
    ref = _walk_quick_start(client, control, recorder)
    token = client.get_access_token().data["access_token"]  # a real token, to search for
    dead = Settings.for_simulator(f"http://127.0.0.1:{_free_port()}", sim.sales_units[0])
    with pytest.raises(NetworkError):
        make_client(dead, recorder=sink, max_retries=0).get_payment(ref)

    stored = recorder.exchanges()
    assert {e.operation for e in stored} == OPERATIONS
    assert any(e.status == 503 for e in stored) and any(e.status == 401 for e in stored)
    assert any(e.status is None and e.error for e in stored)  # the connection refusal
    assert any(e.attempt == 2 and e.operation == "capture_payment" for e in stored)
    assert all(e.status is not None or e.error for e in stored)
    har = json.loads(export_bytes(recorder.to_dataframe(), "har"))
    assert len(har["log"]["entries"]) == len(stored)

    secrets = {
        "client_secret": sim_settings.client_secret,
        "subscription_key": sim_settings.subscription_key,
        "access_token": token,
    }
    assert all(len(value) >= 8 for value in secrets.values())
    exports = _exports(recorder, tmp_path)
    recorder.close()
    exports["sqlite file"] = b"".join(p.read_bytes() for p in db.parent.iterdir())
    for where, payload in exports.items():
        assert payload, where
        for name, value in secrets.items():
            assert value.encode() not in payload, f"{name} found in {where}"
        assert not JWT.search(payload), f"an access token found in {where}"
    assert b"\xc2\xabredacted:access_token\xc2\xbb" in exports["sqlite file"]  # redacted, not lost
    assert b"Bearer <access_token>" in exports["curl"]
