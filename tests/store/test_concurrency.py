"""Many writers on one store (SQLite file or PostgreSQL): threads and processes at once,
nothing lost, no duplicate id, every run's count and notes right, and survival of a restart."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from lib.exchange import Exchange
from lib.recorder import ExchangeFilter, Recorder, open_store

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: writes N exchanges in its own run, prints the run id.
WRITER = """
import sys
from lib.exchange import Exchange
from lib.recorder import Recorder
location, label, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
rec = Recorder.open(location, run_label=label, person=label + "-person")
rec.add_secret("proc-secret-value", "client_secret")
for i in range(count):
    rec.record(Exchange("GET", f"http://sim/{label}/{i}?k=proc-secret-value", "get_payment",
                        status=200, reference=f"{label}-{i:08d}"))
rec.set_run_meta("writer", label)
print(rec.run_id)
"""


def _spawn(location: str, label: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, location, label, str(count)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out.strip()


def test_threads_writing_concurrently_lose_nothing(location: str) -> None:
    recorder = Recorder.open(location, run_label="threads")
    threads_n, per_thread = 8, 40

    def work(t: int) -> None:
        for i in range(per_thread):
            recorder.record(Exchange("GET", f"http://sim/{t}/{i}", "get_payment", status=200))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = recorder.exchanges()
    assert len({e.url for e in stored}) == threads_n * per_thread
    ids = [e.id for e in stored]
    assert len(set(ids)) == len(ids) == threads_n * per_thread
    assert recorder.runs()[0].count == threads_n * per_thread
    recorder.close()


def test_processes_threads_and_sessions_write_one_store(location: str) -> None:
    """Two processes (QA-like runs), two recorder sessions in this process, each in threads."""
    sessions = [Recorder.open(location, run_label=f"session{n}") for n in range(2)]
    procs = [_spawn(location, f"proc{n}", 60) for n in range(2)]

    def work(rec: Recorder, t: int) -> None:
        for i in range(30):
            rec.record(Exchange("GET", f"http://sim/{rec.run_id}/{t}/{i}", "get_payment"))

    threads = [threading.Thread(target=work, args=(r, t)) for r in sessions for t in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    child_runs = [_finish(proc) for proc in procs]
    store = open_store(location)
    counts = {run.id: run.count for run in store.runs()}
    assert all(counts[s.run_id] == 60 for s in sessions)
    assert all(counts[run_id] == 60 for run_id in child_runs)
    assert store.count() == 240
    ids = [e.id for e in store.iter_exchanges(ExchangeFilter(), chunk=7)]
    assert len(ids) == len(set(ids)) == 240 and ids == sorted(ids)
    assert store.get_meta(child_runs[0], "writer") == "proc0"
    assert {r.person for r in store.runs() if r.id in child_runs} == {
        "proc0-person",
        "proc1-person",
    }
    for rec in sessions:
        rec.close()
    store.close()


def test_evidence_survives_a_restart(location: str) -> None:
    run_id = _finish(_spawn(location, "before-restart", 3))  # that interpreter has exited now
    with Recorder.open(location, run_label="after") as recorder:
        stored = recorder.exchanges(run_id=run_id)
        assert [e.reference for e in stored] == [f"before-restart-{i:08d}" for i in range(3)]
        assert all("proc-secret-value" not in e.url for e in stored)
        assert [r.label for r in recorder.runs()] == ["before-restart", "after"]
    if "://" not in location:
        assert b"proc-secret-value" not in Path(location).read_bytes()
