"""The evidence store at scale: SQLite and PostgreSQL side by side on a log the bench builds.

`python -m bench.store [--rows 1000000]`. The log is the QA battery's own exchanges (run once on
the embedded simulator, recorded and redacted by the recorder) copied with fresh ids, runs and
references, bulk loaded into each store. Then, per store: the Request log's first page with
filters, the checklist over all runs, the sidebar's facts, the run list by person, each export
of every exchange against the database's own bulk export (sqlite3's CSV mode; COPY), and 10
dashboard sessions + 3 QA runs writing at once. Exports and the dashboard's work run in child
processes, so each figure's peak memory is its own. A benchmark, not a test: nothing fails.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.pack import pack_figures
from bench.store_load import build_store, seed_log, writers
from lib.recorder import EXPORT_FORMATS, ExchangeFilter, RunFilter, open_store
from lib.recorder.exports import Selection

ROWS = 1_000_000
GOALS = {"page": 1.0, "checklist": 1.0, "sidebar": 0.05, "evaluate": 3.0}
MEMORY_GOAL_MB = 300
EXPORTS = ("csv", "json", "xlsx", "har", "curl")
SIM = "http://127.0.0.1"  # the seed's simulator ran on some port of 127.0.0.1


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User and system time of this process and its children (a SQLite export's partner
    printer, sqlite3's CSV mode): how much of the machine a figure took, beside its wall time.
    PostgreSQL's server time is not in it, for the exports as for COPY."""
    both = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in both)


def _median_of(call: Callable[[], Any], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def task_dashboard(location: str, runs: int) -> dict[str, Any]:
    """What a dashboard session asks on the Request log, Checklist page and sidebar."""
    from lib.checklist import evaluate_store

    store = open_store(location)
    newest = store.runs(newest=1)[0]
    middle = store.count() // 2
    exact = ExchangeFilter(reference=store.page(limit=1).rows[0].reference)
    busy = ExchangeFilter(
        status_classes=("2xx",), operations=("get_payment",), reference_contains="-7"
    )
    now = datetime.now(UTC)
    found = {
        "page": _median_of(lambda: store.page(ExchangeFilter(), limit=50), runs),
        "page_filtered": _median_of(lambda: store.page(busy, limit=50), runs),
        "page_person": _median_of(
            lambda: store.page(ExchangeFilter(who=RunFilter(persons=("tester-3",))), limit=50), runs
        ),
        "checklist": _median_of(lambda: evaluate_store(store, now=now), runs),
        "sidebar": _median_of(lambda: store.sidebar_facts(newest.id, SIM, newest.msn), runs),
        "run_list": _median_of(lambda: store.runs(RunFilter(persons=("tester-3",))), runs),
        "one_exchange": _median_of(lambda: store.exchange(middle), runs),
        "page_reference": _median_of(lambda: store.page(exact, limit=50), runs),
    }
    result = evaluate_store(store, now=now)
    found["met_or_rehearsed"] = sum(1 for r in result.automatic if r.status.value != "missing")
    found["peak_mb"] = peak_mb()
    return found


def _children_peak(found: list[float], done: threading.Event) -> None:
    """The highest VmHWM of this process's children (a SQLite export's partner printer), read
    every 20 ms: their ru_maxrss would count this process's pages they had before exec. A child
    still running this program (forked, not yet exec'd) shares this process's pages: skipped (it
    once added this process's 190 MB to a partner's peak)."""
    me = os.getpid()
    mine = Path(f"/proc/{me}/cmdline").read_bytes()
    while not done.wait(0.02):
        for task in Path(f"/proc/{me}/task").iterdir():
            for pid in (task / "children").read_text().split():
                try:
                    if Path(f"/proc/{pid}/cmdline").read_bytes() == mine:
                        continue
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        found.append(int(line.split()[1]) / 1024)


def task_export(location: str, fmt: str, out: str) -> dict[str, Any]:
    store = open_store(location)
    children: list[float] = []
    done = threading.Event()
    watcher = threading.Thread(target=_children_peak, args=(children, done), daemon=True)
    watcher.start()
    started = time.perf_counter()
    EXPORT_FORMATS[fmt].write(Selection(store), out)  # the chunk users get
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    # With the partner printer (lib/recorder/bulk_pair.py) both processes' peaks count.
    partner = max(children, default=0.0)
    size = Path(out).stat().st_size
    return {"seconds": seconds, "peak_mb": peak_mb() + partner, "bytes": size, "cpu": cpu_seconds()}


def task_native(location: str, out: str) -> dict[str, Any]:
    """The database's own CSV export of the same rows and columns."""
    columns = ", ".join(_native_columns())
    started = time.perf_counter()
    if location.startswith("postgresql"):
        import psycopg

        query = f"SELECT {columns} FROM exchanges ORDER BY id"
        sql = f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)"
        with (
            psycopg.connect(location) as conn,
            conn.cursor() as cur,
            open(out, "wb") as f,
            cur.copy(sql) as copy,
        ):
            for block in copy:
                f.write(block)
        peak = peak_mb()
    else:
        query = f"SELECT {columns} FROM exchanges ORDER BY id"
        with open(out, "wb") as f:
            subprocess.run(["sqlite3", "-csv", "-header", location, query], stdout=f, check=True)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_mb": peak,
        "bytes": Path(out).stat().st_size,
        "cpu": cpu_seconds(),
    }


def _native_columns() -> list[str]:
    from lib.recorder.sources import DB_COLUMNS

    return DB_COLUMNS


def child(*args: str) -> dict[str, Any]:
    """Runs one task in a fresh interpreter; its figures come back as JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.store", "--task", *args], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def bench_one(name: str, location: str, folder: Path, args: argparse.Namespace) -> list[str]:
    lines = []
    d = child("dashboard", location, str(args.runs))
    for key, label in (
        ("page", "Request log, first page"),
        ("page_filtered", "  2xx GETs, ref contains"),
        ("page_person", "  one person's runs"),
        ("page_reference", "  one reference (exact)"),
        ("checklist", "Checklist over all runs"),
        ("sidebar", "sidebar facts"),
        ("run_list", "run list by person"),
        ("one_exchange", "one exchange with bodies"),
    ):
        goal = GOALS.get(key.split("_")[0] if key != "run_list" else "")
        verdict = "" if goal is None else ("ok" if d[key] < goal else f"OVER {goal:g} s")
        lines.append(f"{name:<11}{label:<30}{d[key] * 1000:10.1f} ms  {verdict}")
    lines.append(f"{name:<11}{'dashboard process peak':<30}{d['peak_mb']:10.0f} MB")
    for fmt in args.exports:
        lines += _export_lines(name, location, folder, fmt, args.pairs)
    if args.pack:
        p = child("pack", location)
        lines.append(
            f"{name:<11}{'evidence pack, all runs':<30}{p['pack_seconds']:10.2f} s  "
            f"{p['pack_bytes'] / 1e6:8.0f} MB zip   {p['peak_rss_mb']:5.0f} MB peak  "
            f"(report {p['report_seconds']:.2f} s)"
        )
    return lines


def _export_lines(name: str, location: str, folder: Path, fmt: str, pairs: int) -> list[str]:
    """One export of every exchange next to the database's own, `pairs` times: the medians, and
    the median of each pair's ratio. The database's export runs right before each one: this
    machine's speed drifts by half over minutes, so a ratio compares neighbours."""
    natives: list[dict[str, Any]] = []
    exports: list[dict[str, Any]] = []
    for _ in range(pairs):
        native_out = folder / f"{name}-native.csv"
        natives.append(child("native", location, str(native_out)))
        native_out.unlink()
        out = folder / f"{name}.{EXPORT_FORMATS[fmt].extension}"
        exports.append(child("export", location, fmt, str(out)))
        out.unlink()
    native, e = natives[0], exports[0]

    def median(found: list[dict[str, Any]], key: str) -> float:
        return statistics.median(f[key] for f in found)

    ratios = [x["seconds"] / n["seconds"] for n, x in zip(natives, exports, strict=True)]
    ratio, peak = statistics.median(ratios), max(x["peak_mb"] for x in exports)
    spread = f" ({min(ratios):.2f}-{max(ratios):.2f})" if pairs > 1 else ""
    tool = "native CSV (COPY)" if "postgresql" in location else "native CSV (sqlite3 -csv)"
    verdict = "ok" if peak < MEMORY_GOAL_MB and ratio <= 2 else "over a goal"
    return [
        f"{name:<11}{tool:<30}{median(natives, 'seconds'):10.2f} s  "
        f"{native['bytes'] / 1e6:8.0f} MB file  cpu {median(natives, 'cpu'):.1f} s",
        f"{name:<11}{'export ' + fmt:<30}{median(exports, 'seconds'):10.2f} s  "
        f"{e['bytes'] / 1e6:8.0f} MB file  {peak:5.0f} MB peak  x{ratio:4.2f} native{spread}"
        f"  cpu {median(exports, 'cpu'):.1f} s  {verdict}",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.store", description=__doc__)
    parser.add_argument("--rows", type=int, default=ROWS, help="exchanges in each store")
    parser.add_argument("--runs", type=int, default=3, help="runs per query (median)")
    parser.add_argument("--exports", nargs="*", default=list(EXPORTS), choices=EXPORTS)
    parser.add_argument("--backends", nargs="*", default=["sqlite", "postgresql"])
    pairs = "each export and the database's own, this many times (medians)"
    parser.add_argument("--pairs", type=int, default=1, help=pairs)
    parser.add_argument("--no-writers", dest="writers", action="store_false")
    parser.add_argument("--no-pack", dest="pack", action="store_false")
    parser.add_argument("--task", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        name, *rest = args.task
        tasks = {
            "dashboard": lambda: task_dashboard(rest[0], int(rest[1])),
            "export": lambda: task_export(*rest),
            "native": lambda: task_native(*rest),
            "pack": lambda: pack_figures(rest[0]),
        }
        print(json.dumps(tasks[name]()))
        return
    from tests.store.cluster import Cluster

    seed = seed_log()
    print(
        f"\nEvidence store at scale: {args.rows:,} exchanges per store "
        f"(the QA battery's {len(seed)} exchanges copied), median of {args.runs}"
    )
    with tempfile.TemporaryDirectory() as tmp, Cluster() as pg:
        folder = Path(tmp)
        locations = {"sqlite": str(folder / "evidence.sqlite"), "postgresql": pg.fresh_database()}
        for name in args.backends:
            started = time.perf_counter()
            build_store(locations[name], seed, args.rows)
            lines = [f"{name:<11}{'bulk build':<30}{time.perf_counter() - started:10.1f} s"]
            lines += bench_one(name, locations[name], folder, args)
            if args.writers:
                many = pg.fresh_database() if name == "postgresql" else str(folder / "w.sqlite")
                lines += writers(name, many, seed)
            print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
