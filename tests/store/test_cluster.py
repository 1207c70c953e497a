"""The throwaway PostgreSQL cluster stops by itself when the run that started it is killed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
OWNER = (
    "import time\n"
    "from tests.store.cluster import Cluster\n"
    "pg = Cluster().start()\n"
    "print(pg.url, pg.dir, flush=True)\n"
    "time.sleep(600)\n"
)


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def test_a_killed_owner_leaves_no_server_running() -> None:
    command = [sys.executable, "-c", OWNER]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as owner:
        assert owner.stdout is not None
        url, folder = owner.stdout.readline().split()
        assert _answers(url) and Path(folder).is_dir()
        owner.kill()  # no finally, no atexit: only the watcher can stop the server now
    deadline = time.monotonic() + 60  # a wait for the watcher, not a speed goal
    while (_answers(url) or Path(folder).exists()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _answers(url) and not Path(folder).exists()
