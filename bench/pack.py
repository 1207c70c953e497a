"""The evidence pack of every run of an existing store: its time and peak memory.

`python -m bench.pack --db LOCATION` (a SQLite path or a postgresql:// URL; build one with
bench.store_load.build_store) writes the pack of all runs to a temporary file and prints one
JSON line: exchanges, seconds (the report alone, and the whole pack), the zip's size, and the
peak RSS before and after (resource.getrusage). The report asks the database bounded questions
and the log files stream into the zip, so the peak should stay near the interpreter's own.
A benchmark, not a test: nothing fails.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lib.recorder import open_store
from lib.recorder.sources import Selection
from lib.report import ReportInfo, render_report, write_evidence_pack


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def pack_figures(location: str) -> dict[str, Any]:
    """The pack of every run in the store at `location`, written to a temporary file."""
    store = open_store(location)
    now = datetime.now(UTC)
    info = ReportInfo(label="All runs", generated_at=now)
    count, backend = store.count(), store.engine.dialect.name
    before = peak_mb()
    started = time.perf_counter()
    report = render_report(Selection(store), info=info)  # the checklist is answered here too
    report_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path = write_evidence_pack(store, Path(folder) / "pack.zip", info=info, now=now)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    store.close()
    return {
        "backend": backend,
        "exchanges": count,
        "report_seconds": round(report_seconds, 2),
        "report_bytes": len(report.encode()),
        "pack_seconds": round(seconds, 2),
        "pack_bytes": size,
        "peak_rss_mb_before": round(before, 1),
        "peak_rss_mb": round(peak_mb(), 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pack", description=__doc__)
    parser.add_argument("--db", required=True, help="a SQLite path or a postgresql:// URL")
    args = parser.parse_args(argv)
    print(json.dumps(pack_figures(args.db)))


if __name__ == "__main__":
    main()
