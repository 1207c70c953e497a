"""Runs carry who and where (both backends): the person given once or from the environment or
the OS user, the host, the first exchange's target and MSN; secrets never in them."""

from __future__ import annotations

import getpass
import socket

import pytest

from lib.exchange import Exchange
from lib.recorder import PostgresStore, Recorder
from lib.recorder.postgres_store import _without_password


def _ex(target: str = "test", msn: str | None = "123456") -> Exchange:
    headers = {"Merchant-Serial-Number": msn} if msn else {}
    return Exchange("GET", "https://apitest.vipps.no/x", "get_payment", target=target,
                    request_headers=headers, status=200)  # fmt: skip


def test_person_host_target_and_msn(location: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EPAYMENT_LAB_PERSON", raising=False)
    with Recorder.open(location, "mine") as rec:
        rec.record(_ex(msn=None))  # the token call: no MSN yet
        rec.record(_ex("test", "123456"))
        rec.record(_ex("simulator", "999999"))  # later exchanges do not move the run
        [run] = rec.runs()
    assert (run.person, run.host) == (getpass.getuser(), socket.gethostname())
    assert (run.target, run.msn, run.count) == ("test", "123456", 3)


def test_person_from_the_environment_or_given(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EPAYMENT_LAB_PERSON", "anna")
    with Recorder.open(location, "a") as a, Recorder.open(location, "b", person="bob") as b:
        b.start_run("c")  # a new run of the same recorder: the same person
        people = [r.person for r in a.runs()]
    assert people == ["anna", "bob", "bob"]


def test_nul_characters(location: str) -> None:
    """PostgreSQL text holds no NUL: stored as U+FFFD there, as is in SQLite."""
    with Recorder.open(location, "nul") as rec:
        stored = rec.record(Exchange("GET", "http://h/x", "op", response_body="a\x00b",
                                     response_headers={"X": "c\x00d"}))  # fmt: skip
        assert stored.id is not None
        read = rec.exchange(stored.id)
        nul = "\ufffd" if isinstance(rec.store, PostgresStore) else "\x00"
    assert read is not None and read.response_body == f"a{nul}b"
    assert read.response_headers == {"X": f"c{nul}d"}


def test_a_url_in_messages_has_no_password() -> None:
    assert _without_password("postgresql://lab:s3cret@db:5432/ev") == "postgresql://lab@db:5432/ev"
    assert _without_password("postgresql://db/ev") == "postgresql://db/ev"
