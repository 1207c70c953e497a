"""Property test: for any exchanges, the curl commands the database prints for a selection
(lib/recorder/bulk_curl.py, with the rows it leaves undecided printed by Python) are the bytes
Python prints for the same stored exchanges (lib/recorder/curl.py), on both backends.

Exchanges are recorded (redacted: placeholders, kept auth schemes) and also stored as they are
(`add_exchange`: secrets and hostile text untouched), so both kinds of row are covered.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.exchange import Exchange
from lib.recorder import Recorder, curl_script, export_bytes
from lib.recorder.exports import Selection
from tests.store.cluster import Cluster

# Text the shell, shlex.quote, the placeholders and the database's string functions treat
# specially, and plain words to join them with.
SHELL = list(" '\"$!`\\\t\n\r?&=#*~;|<>(){}[]^%@+:,./-_")
UNICODE = ["ø", "é", "İ", "ı", "ſ", "ß", "ǅ", "ﬀ", "\u212a", "😀", "\u00a0", "\u2028", "\ufffd"]
PLACEHOLDERS = [
    "«redacted:client_secret»", "«redacted:unknown»", "«redacted:secret»",
    "«redacted:access_token»", "«redacted:authorization»", "«redacted:subscription_key»",
    "«redacted:refresh_token»", "«redacted:»", "«redacted:a b»", "«redacted:secret",
    "redacted:secret»", "«", "»", "«redacted:«redacted:secret»",
]  # fmt: skip
WORDS = [
    "http://sim/epayment/v1/payments/r-1", "https://api.example/v1/x?a=1&b=2", "a", "Z", "0",
    "secret", "token", "client_secret=abcdef123", "access_token=tok-0123456789",
    "sk-live-012345", "Bearer", "x", "--data", "\\u0073", "\\u006",
]  # fmt: skip
# Any character but NUL (PostgreSQL text cannot hold it; the store replaces it there) and the
# surrogates (not UTF-8).
CHAR = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))
PIECE = st.sampled_from(SHELL + UNICODE + PLACEHOLDERS + WORDS) | st.text(CHAR, max_size=3)
TEXT = st.lists(PIECE, max_size=6).map("".join)
MAYBE_TEXT = st.none() | st.just("") | TEXT

# Half ASCII letters (the database raises them), half odd (left to Python: not ASCII letters).
ODD_METHODS = [
    "M-SEARCH", " GET", "POST ", "G3T", "pöst", "poſt", "İ", "ß", "ﬀ", "ǅ", "ı", "\u212a", "PO\nST",
]  # fmt: skip
METHODS = (
    st.sampled_from(["GET", "get", "Post", "POST", "put", "PATCH", "patch", "DELETE", "pATcH", ""])
    | st.text(st.sampled_from("aBcGeEPpOoSsTtUuHhLl"), max_size=7)
    | st.sampled_from(ODD_METHODS)
    | TEXT
)
HEADER_NAMES = st.sampled_from([
    "Authorization", "authorization", "AUTHORIZATION", "AuThOrIzAtIoN", "Authorization ",
    "Content-Type", "content-type", "CONTENT-TYPE", "Ocp-Apim-Subscription-Key",
    "ocp-apim-subscription-key", "OCP-APIM-SUBSCRIPTION-KEY", "Ocp-Apim-Subscription-\u212aey",
    "client_secret", "Client_Secret", "CLIENT_SECRET", "client_id", "Host", "host", "HOST",
    "User-Agent", "user-agent", "Content-Length", "Connection", "Accept-Encoding",
    "X-Request-Id", "Merchant-Serial-Number", "Idempotency-Key", "", "X Y", "x'y", 'x"y', "$X",
    "X-ø", "X-\u212a",
]) | TEXT  # fmt: skip
HEADER_VALUES = st.sampled_from([
    "Bearer x", "Basic", " x", "Bearer  ", "-- x", "Bearér x", "Bearer tok-0123456789",
    "bearer abcdefgh", "Basic dXNlcjpwYXNz", "HMAC-SHA256 sig=abc", "Bearer «redacted:x»",
    "Bearer «redacted:access_token»", "«redacted:unknown»", "«redacted:client_secret»", "",
    "application/json", "$HOME", "`id`", "!1", 'a "b"', "c\\d", "a\tb", "a\nb", "ø", "'",
]) | TEXT  # fmt: skip
HEADERS = st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=5)

SECRET_KEYS = ["secret", "access_token", "client_secret", "refresh_token", "token", "Secret"]
SCALARS = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | TEXT
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(SECRET_KEYS) | TEXT, inner, max_size=3)
    ),
    max_leaves=6,
)
RAW_BODIES = st.sampled_from([
    '{"\\u0073ecret": "x"}', '{"secre\\u0074": "abcdefgh"}', '{"acc\\u0065ss_token": "t"}',
    '{"a": "x\\n\\u00f8"}', "{'secret': 'x'}", '[{"secret": null}]', '  {"token": 1}',
    '{"Secret": "x"}', '{"secretive": "x"}', '{"a": NaN}', '{"a": 1, "a": 2}',
    '{"note": "it\'s ø"}', "it's", "a=1&secret=abcdef1", "{", "[]", "{}", "null",
    '{"a": "«redacted:secret»"}', '{"a": "«redacted:nobody»"}',
])  # fmt: skip
BODIES = (
    st.none()
    | st.just("")
    | TEXT
    | RAW_BODIES
    | st.builds(
        lambda data, ascii_only, indent: json.dumps(data, ensure_ascii=ascii_only, indent=indent),
        st.dictionaries(st.sampled_from(SECRET_KEYS) | TEXT, JSON_VALUES, max_size=4),
        st.booleans(),
        st.none() | st.just(1),
    )
)
EXCHANGES = st.builds(
    Exchange,
    method=METHODS,
    url=st.just("") | TEXT | st.lists(PIECE, max_size=12).map(lambda p: "http://sim/" + "".join(p)),
    operation=st.sampled_from(["get_payment", "access_token", ""]) | TEXT,
    request_headers=HEADERS,
    request_body=BODIES,
    status=st.none() | st.just(0) | st.sampled_from([200, 500]) | st.integers(-1000, 10**6),
    error=MAYBE_TEXT,
    step=MAYBE_TEXT,
    reference=MAYBE_TEXT,
    attempt=st.integers(-5, 10**6),
)
# Each exchange recorded (True: redacted) or stored as it is (False).
ITEMS = st.lists(st.tuples(EXCHANGES, st.booleans()), min_size=1, max_size=6)

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_location(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """A new, empty store's location each call: one store per example."""
    if request.param == "sqlite":
        return lambda: str(tmp_path / f"{uuid.uuid4().hex}.sqlite")
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.fresh_schema


@FUZZ
@given(items=ITEMS)
def test_the_database_prints_pythons_curl(
    fresh_location: Callable[[], str], items: list[tuple[Exchange, bool]]
) -> None:
    recorder = Recorder.open(fresh_location(), run_label="fuzz")
    try:
        recorder.add_secret("sk-live-012345", "client_secret")
        for exchange, redacted in items:
            if redacted:
                recorder.record(exchange)
            else:
                recorder.store.add_exchange(replace(exchange, run_id=recorder.run_id))
        stored = recorder.exchanges("all")
        assert len(stored) == len(items)
        expected = curl_script(stored)
        for chunk in (1, 3):
            printed = export_bytes(Selection(recorder.store, chunk=chunk), "curl")
            assert printed.decode("utf-8") == expected, f"chunk={chunk}"
            assert printed == expected.encode("utf-8")
    finally:
        recorder.close()


def _same_bytes(location: str, exchanges: list[Exchange]) -> tuple[str, str]:
    """The database's curl text (chunk 3) and Python's, for `exchanges` stored unredacted."""
    recorder = Recorder.open(location, run_label="sweep")
    try:
        for exchange in exchanges:
            recorder.store.add_exchange(replace(exchange, run_id=recorder.run_id))
        printed = export_bytes(Selection(recorder.store, chunk=3), "curl")
        return printed.decode("utf-8"), curl_script(recorder.exchanges("all"))
    finally:
        recorder.close()


# Every ASCII character (but NUL) and some that Unicode raises, folds or splits oddly, in each
# text the database quotes, raises or joins.
SWEEP = [chr(i) for i in range(1, 128)] + UNICODE + ["«", "»", "\ufeff", "\U0010ffff"]


def test_every_character_in_every_text(fresh_location: Callable[[], str]) -> None:
    exchanges = []
    for c in SWEEP:
        exchanges += [
            Exchange("POST", f"http://sim/{c}", c, request_headers={c: c}, request_body=f"x{c}"),
            Exchange(f"p{c}t", c, "op", step=f"s{c}", reference=c, error=c, request_body=c),
        ]
    printed, expected = _same_bytes(fresh_location(), exchanges)
    assert printed == expected


# NUL in text SQLite's GLOB and substr() read as C strings (they stop at the NUL): printed by
# SQLite, the URL and body were left unquoted, the method not raised, the comment line cut
# short. PostgreSQL stores NUL as U+FFFD, so only SQLite can hold it.
NUL_CASES = {
    "url": Exchange("GET", "http://sim/p\x00 x", "op", status=200),
    "body": Exchange("POST", "http://sim/p", "op", request_body="\x00$(id)"),
    "method": Exchange("g\x00ö", "http://sim/p", "op"),
    "step": Exchange("GET", "http://sim/p", "op", step="s\x00t"),
    "operation": Exchange("GET", "http://sim/p", "a\x00b"),
}


@pytest.mark.parametrize("case", NUL_CASES)
def test_a_nul_in_a_text(fresh_location: Callable[[], str], case: str) -> None:
    """Such rows are Python's (bulk_curl.NUL_CHECKED), which quotes the body: no `$(id)` runs."""
    printed, expected = _same_bytes(fresh_location(), [NUL_CASES[case]])
    assert printed == expected
