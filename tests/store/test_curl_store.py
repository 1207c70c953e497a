"""curl commands of a selection printed by the database (lib/recorder/bulk_curl.py), both
backends: the bytes Python prints for the same exchanges, with the rows the database cannot
decide (and rows stored before schema 5) printed by Python."""

from __future__ import annotations

import shlex
from dataclasses import replace

import pytest
from sqlalchemy import text

from lib.exchange import Exchange
from lib.recorder import Recorder, curl_script, export_bytes
from lib.recorder.bulk_curl import POSTGRES, SQLITE, undecided_sql
from lib.recorder.exports import Selection

BASE = Exchange("GET", "http://sim/epayment/v1/payments/r-1", "get_payment", status=200)
POST = replace(BASE, method="POST")
# name -> (exchange, printed by Python)
CASES: dict[str, tuple[Exchange, bool]] = {
    "get": (BASE, False),
    "post without a body": (replace(BASE, method="POST", operation="token"), False),
    "post with an empty body": (replace(BASE, method="POST", request_body=""), False),
    "quote in the body": (replace(BASE, method="POST", request_body='{"note": "it\'s ø"}'), False),
    "lower-case method": (replace(BASE, method="patch", request_body="{}"), False),
    "url to quote": (replace(BASE, url="http://sim/p?a=1&b=$x 'y'"), False),
    "url with ø": (replace(BASE, url="http://sim/ødegård"), False),
    "known placeholder in the url": (replace(BASE, url="http://sim/p?s=sk-live-012345"), False),
    "hostile headers": (replace(BASE, request_headers={
        "X-Dollar": "$HOME", "X-Tick": "`id`", "X-Quote": 'a "b"', "X-Slash": "c\\d",
        "X-Bang": "!1", "X-Tab": "a\tb", "User-Agent": "requests", "Content-Length": "3",
        "Authorization": "Bearer tok-0123456789", "Content-Type": "application/json",
        "X-Placeholder": "sk-live-012345", "X-Kelvin-\u212a": "k",
    }), False),  # fmt: skip
    "other schemes": (replace(BASE, request_headers={
        "authorization": "Basic dXNlcjpwYXNz", "Ocp-Apim-Subscription-\u212aey": "raw-key-123",
        "client_secret": "cs-0123456789",
    }), False),  # fmt: skip
    "no status, an error": (replace(BASE, status=None, error="ReadTimeout", step=""), False),
    "no status, no error": (replace(BASE, status=0, reference=None, step=None), False),
    "empty error": (replace(BASE, status=None, error="", step="3 Create"), False),
    "secret-named field": (replace(POST, request_body='{"secret": "s3cr3t-value"}'), True),
    "escapes in the body": (replace(POST, request_body='{"a": "x\\n\\u00f8"}'), False),
    "escaped letter": (replace(POST, request_body='{"\\u0073ecret": "x"}'), True),
    "placeholder-looking url": (replace(BASE, url="http://sim/«redacted:nobody»"), True),
    "method with ö": (replace(BASE, method="pöst"), True),
}  # fmt: skip


def _record(recorder: Recorder) -> list[Exchange]:
    recorder.add_secret("sk-live-012345", "client_secret")
    for exchange, _ in CASES.values():
        recorder.record(exchange)
    return recorder.exchanges()


def _python_ids(recorder: Recorder) -> set[int]:
    dialect = POSTGRES if recorder.store.engine.dialect.name == "postgresql" else SQLITE
    query = text(f"SELECT id FROM exchanges WHERE {undecided_sql(dialect)}")
    with recorder.store.engine.connect() as conn:
        return set(conn.execute(query).scalars())


def test_the_database_prints_pythons_bytes(recorder: Recorder) -> None:
    stored = _record(recorder)
    streamed = export_bytes(Selection(recorder.store, chunk=3), "curl")
    assert streamed == curl_script(stored).encode("utf-8")
    expected = {e.id for e, (_, python) in zip(stored, CASES.values(), strict=True) if python}
    assert _python_ids(recorder) == expected  # the others are the database's own text
    commands = streamed.decode().split("\n\n")
    assert len(commands) == len(CASES)
    hostile = shlex.split(commands[list(CASES).index("hostile headers")].replace(" \\\n", " "),
                          comments=True)  # fmt: skip
    assert hostile[hostile.index("-H") + 1] == "Content-Type: application/json"
    assert "X-Dollar: $HOME" in hostile and 'X-Quote: a "b"' in hostile
    assert "Authorization: Bearer <access_token>" in hostile
    assert "X-Placeholder: <client_secret>" in hostile
    assert not any(h.startswith(("User-Agent", "Content-Length")) for h in hostile)
    assert "sk-live-012345" not in streamed.decode()


def test_rows_stored_before_schema_5_are_printed_by_python(recorder: Recorder) -> None:
    stored = _record(recorder)
    with recorder.store.engine.begin() as conn:
        conn.execute(text("UPDATE exchanges SET curl_headers = NULL"))
    assert _python_ids(recorder) == {e.id for e in stored}
    streamed = export_bytes(Selection(recorder.store, chunk=4), "curl")
    assert streamed == curl_script(stored).encode("utf-8")


def test_the_stored_header_options_are_the_commands_own(recorder: Recorder) -> None:
    stored = _record(recorder)
    with recorder.store.engine.connect() as conn:
        kept = conn.execute(text("SELECT curl_headers FROM exchanges ORDER BY id")).scalars()
        options = list(kept)
    hostile = options[list(CASES).index("hostile headers")]
    assert hostile.startswith(' \\\n-H "Content-Type: application/json" \\\n-H "Authorization: ')
    assert "-H 'X-Dollar: $HOME'" in hostile and "User-Agent" not in hostile
    assert options[0] == "" and stored[0].request_headers == {}  # no headers: no options


@pytest.mark.parametrize("where", ["status", "empty"])
def test_an_empty_or_filtered_selection(recorder: Recorder, where: str) -> None:
    from lib.recorder import ExchangeFilter

    stored = _record(recorder)
    if where == "empty":
        selection = Selection(recorder.store, ExchangeFilter(reference="nothing"))
        assert export_bytes(selection, "curl") == curl_script([]).encode() == b"\n"
        return
    wanted = [e for e in stored if e.status is None]
    selection = Selection(recorder.store, ExchangeFilter(status_classes=("no response",)))
    assert export_bytes(selection, "curl") == curl_script(wanted).encode("utf-8")
