"""A big SQLite export printed by two processes taking alternate chunks
(lib/recorder/bulk_pair.py): the same bytes as Python prints the exchanges, with rows Python
prints in either process's chunks, with filters, and a failing partner says why. SQLite only:
PostgreSQL prints in its server, and its exports are one COPY."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from lib.exchange import Exchange
from lib.recorder import ExchangeFilter, Recorder, bulk_pair, bulk_sqlite, export_bytes
from lib.recorder.exports import Selection

BULK = ["csv", "json", "har", "curl"]


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[Recorder]:
    rec = Recorder.open(str(tmp_path / "lab.sqlite"), run_label="pair")
    for i in range(20):
        url = "http://sim/p?x=1" if i in (3, 17) else f"http://sim/p/{i}"
        step = "=SUM(A1)" if i in (2, 15) else f"step {i % 3}"  # Python prints these rows
        body = {"reference": f"r-{i}", "note": "ødegård ✓", **({"token": "t"} if i == 8 else {})}
        rec.record(Exchange(
            "POST", url, "create_payment" if i % 2 else "get_payment",
            request_headers={"Content-Type": "application/json", "X-Q": 'a "b" ø'},
            request_body=json.dumps(body),
            status=201, latency_ms=i / 2, step=step, reference=f"r-{i}",
            response_headers={"Location": f"/p/{i}"}, response_body='{"ok": true}',
        ))  # fmt: skip
    yield rec
    rec.close()


@pytest.fixture
def partners(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Pairs selections of four rows or more; lists each partner process started."""
    monkeypatch.setattr(bulk_sqlite, "PAIR_FROM", 4)
    started: list[str] = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.append("partner")
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(bulk_pair.subprocess, "Popen", popen)
    return started


@pytest.mark.parametrize("fmt", BULK)
def test_two_printers_give_the_bytes_python_gives(
    recorder: Recorder, fmt: str, partners: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[int, int]] = []
    real_ask = bulk_pair.Partner.ask
    monkeypatch.setattr(bulk_pair.Partner, "ask", lambda p, b: asked.append(b) or real_ask(p, b))
    paired = export_bytes(Selection(recorder.store, chunk=2), fmt)
    assert paired == export_bytes(recorder.exchanges(), fmt)
    assert partners == ["partner"] and len(asked) >= 3, "the partner printed chunks"
    ids = [e.id for e in recorder.exchanges()]
    python_rows = {  # a formula start; a query string (parse_qsl); a body with a token field
        "har": {ids[2], ids[15], ids[3], ids[17]}, "curl": {ids[8]},
    }.get(fmt, {ids[2], ids[15]})  # fmt: skip
    assert not any(a < i <= t for a, t in asked for i in python_rows), "Python's rows stay here"


@pytest.mark.parametrize("fmt", BULK)
def test_a_filtered_selection_is_paired_on_its_own_rows(
    recorder: Recorder, fmt: str, partners: list[str]
) -> None:
    since = recorder.exchanges()[4].started_at  # a bound time: SQL parameters of their own types
    where = ExchangeFilter(operations=("create_payment",), reference_contains="1", since=since)
    wanted = [
        e
        for e in recorder.exchanges()
        if e.operation == "create_payment" and "1" in (e.reference or "") and e.started_at >= since
    ]
    paired = export_bytes(Selection(recorder.store, where, chunk=1), fmt)
    assert paired == export_bytes(wanted, fmt)
    assert len(wanted) >= 4 and partners == ["partner"]


def test_a_small_selection_has_no_partner(
    recorder: Recorder, partners: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_sqlite, "PAIR_FROM", 21)
    csv = export_bytes(Selection(recorder.store, chunk=2), "csv")
    assert csv == export_bytes(recorder.exchanges(), "csv") and partners == []


def test_a_failing_partner_says_why(
    recorder: Recorder, partners: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bulk_pair.compiled

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        return {**real(*args, **kwargs), "sql": "SELECT nonsense("}

    monkeypatch.setattr(bulk_sqlite, "compiled", broken)
    with pytest.raises(RuntimeError, match="second printer stopped: .*incomplete input"):
        export_bytes(Selection(recorder.store, chunk=2), "csv")


class _QuickPartner:
    """Answers at once, in the order asked (as the partner process does)."""

    def __init__(self) -> None:
        self.asked: list[tuple[int, int]] = []
        self._answers: list[bytes] = []

    def ask(self, bounds: tuple[int, int]) -> None:
        self.asked.append(bounds)
        self._answers.append(f"partner {bounds[1]};".encode())

    def answer(self) -> bytes:
        return self._answers.pop(0)


def test_the_faster_printer_prints_more_and_chunks_come_back_in_order() -> None:
    """The partner is never left waiting for this process's turn: while this process prints a
    chunk (slowly here), the partner's answered chunks are replaced by new ones."""
    import time

    partner = _QuickPartner()
    ranges = [(n, n + 1) for n in range(30)]
    python_rows = {(7, 8), (8, 9)}

    def print_here(bounds: tuple[int, int]) -> list[bytes]:
        time.sleep(0.02)
        return [f"here {bounds[1]};".encode()]

    printed = b"".join(
        b"".join(chunk)
        for chunk in bulk_pair.paired(partner, ranges, print_here, python_rows.__contains__)  # type: ignore[arg-type]
    )
    assert [int(part.split()[1]) for part in printed.decode().rstrip(";").split(";")] == list(
        range(1, 31)
    )
    assert not python_rows & set(partner.asked)
    assert len(partner.asked) >= 18, f"the partner printed {len(partner.asked)} of 30"
