"""SqliteStore: schema, WAL, concurrent writers (threads, processes), survival across restarts."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lib.exchange import Exchange
from lib.recorder import Recorder, SqliteStore
from lib.recorder.sqlite_store import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: writes N exchanges in its own run, prints the run id.
WRITER = """
import sys
from lib.exchange import Exchange
from lib.recorder import Recorder
path, label, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
rec = Recorder.open(path, run_label=label)
rec.add_secret("proc-secret-value", "client_secret")
for i in range(count):
    rec.record(Exchange("GET", f"http://sim/{label}/{i}?k=proc-secret-value", "get_payment",
                        status=200, reference=f"{label}-{i:08d}"))
rec.set_run_meta("writer", label)
print(rec.run_id)
"""


def _spawn(path: Path, label: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), label, str(count)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return out.strip()


def test_schema_created_with_version_wal_and_parent_dir(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "lab.sqlite"
    store = SqliteStore(path)
    assert path.exists() and store.schema_version == SCHEMA_VERSION
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"runs", "exchanges", "run_meta"} <= tables
    SqliteStore(path).close()  # reopening an existing file is fine


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="schema"):
        SqliteStore(path)


def test_threads_writing_concurrently_lose_nothing(tmp_path: Path) -> None:
    recorder = Recorder.open(tmp_path / "threads.sqlite", run_label="threads")
    threads_n, per_thread = 8, 40

    def work(t: int) -> None:
        for i in range(per_thread):
            recorder.record(Exchange("GET", f"http://sim/{t}/{i}", "get_payment", status=200))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    urls = {e.url for e in recorder.exchanges()}
    assert len(urls) == threads_n * per_thread
    ids = [e.id for e in recorder.exchanges()]
    assert len(set(ids)) == len(ids)
    recorder.close()


def test_processes_and_threads_write_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    recorder = Recorder.open(path, run_label="parent")
    procs = [_spawn(path, f"proc{n}", 60) for n in range(2)]
    for i in range(60):  # this process writes while the children do
        recorder.record(Exchange("GET", f"http://sim/parent/{i}", "get_payment", status=200))
    child_runs = [_finish(proc) for proc in procs]
    counts = {run.id: run.count for run in recorder.runs()}
    assert counts[recorder.run_id] == 60
    assert all(counts[run_id] == 60 for run_id in child_runs)
    assert recorder.get_run_meta("writer", child_runs[0]) == "proc0"
    recorder.close()


def test_evidence_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "restart.sqlite"
    run_id = _finish(_spawn(path, "before-restart", 3))  # that interpreter has exited now
    with Recorder.open(path, run_label="after") as recorder:
        stored = recorder.exchanges(run_id=run_id)
        assert [e.reference for e in stored] == [f"before-restart-{i:08d}" for i in range(3)]
        assert all("proc-secret-value" not in e.url for e in stored)
        assert [r.label for r in recorder.runs()] == ["before-restart", "after"]
    assert b"proc-secret-value" not in path.read_bytes()


def test_in_memory_store_for_quick_tests() -> None:
    recorder = Recorder.open(":memory:", run_label="memory")
    recorder.record(Exchange("GET", "http://sim/x", "get_payment", status=200))
    assert [run.count for run in recorder.runs()] == [1]
    assert not Path(":memory:").exists()
    recorder.close()
