"""Evidence labels are set through the recorder: `with recorder.step("..."):`."""

from __future__ import annotations

import threading
from pathlib import Path

from lib.exchange import Exchange
from lib.recorder import Recorder


def _ex(step: str | None = None) -> Exchange:
    return Exchange("GET", "http://127.0.0.1/x", "get_payment", step=step)


def test_step__labels_the_block_and_restores_the_outer_label(tmp_path: Path) -> None:
    with Recorder.open(tmp_path / "e.sqlite") as rec:
        assert rec.record(_ex()).step is None
        with rec.step("3 Create"):
            assert rec.record(_ex()).step == "3 Create"
            with rec.step("4 Approve"):
                assert rec.record(_ex()).step == "4 Approve"
            assert rec.record(_ex()).step == "3 Create"
        assert rec.record(_ex()).step is None
        assert [e.step for e in rec.exchanges()] == [
            None,
            "3 Create",
            "4 Approve",
            "3 Create",
            None,
        ]


def test_step__an_exchange_with_its_own_step_keeps_it(tmp_path: Path) -> None:
    with Recorder.open(tmp_path / "e.sqlite") as rec, rec.step("status"):
        assert rec.record(_ex("webhooks")).step == "webhooks"


def test_step__does_not_leak_into_another_thread(tmp_path: Path) -> None:
    with Recorder.open(tmp_path / "e.sqlite") as rec:
        seen: list[str | None] = []
        with rec.step("mine"):
            worker = threading.Thread(target=lambda: seen.append(rec.record(_ex()).step))
            worker.start()
            worker.join()
        assert seen == [None]
