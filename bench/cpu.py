"""CPU seconds used by a process so far, from /proc (Linux), and the simulator's processes."""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of `pid` (0.0 if unknown or gone)."""
    if pid is None:
        return 0.0
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _processes() -> list[tuple[int, int, list[bytes]]]:
    """(pid, parent pid, argv) of every process we may read."""
    found = []
    for entry in PROC.glob("[0-9]*"):
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        found.append((int(entry.name), parent, argv))
    return found


def simulator_pids(port: int) -> tuple[int | None, int | None]:
    """The pids of `python -m simulator --port <port>` and of its webhook worker, if any."""
    processes = _processes()
    server = next(
        (pid for pid, _, argv in processes if b"simulator" in argv and str(port).encode() in argv),
        None,
    )
    worker = next(
        (
            pid
            for pid, parent, argv in processes
            if parent == server and b"simulator.webhooks.worker" in argv
        ),
        None,
    )
    return server, worker
