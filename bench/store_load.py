"""Loads for bench/store.py: the QA battery's log as a seed, a store of N copies of it bulk
loaded (indexes built after), and many writers recording into one store at once."""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from lib.exchange import Exchange
from lib.recorder import Recorder, open_store
from lib.recorder.migrations import rebuild_counts
from lib.recorder.proofs import proofs_of
from lib.recorder.rows import CURL_HEADERS, HAR_HEADERS, LOOKED_UP, exchange_row
from lib.recorder.schema import EXCHANGE_COLUMNS, exchanges, proofs, runs

PERSONS = [f"tester-{n}" for n in range(10)]
HOSTS = ["qa-laptop-1", "qa-laptop-2", "ci-runner"]
COLUMNS = [*EXCHANGE_COLUMNS, "msn", *LOOKED_UP, CURL_HEADERS, *HAR_HEADERS]
MSN = COLUMNS.index("msn")
PROOF_COLUMNS = [
    "exchange_id",
    "kind",
    "run_id",
    "target",
    "started_at",
    "reference",
    "value",
    "mask",
]
RUN_COLUMNS = ["id", "label", "started_at", "person", "host", "target", "msn", "exchange_count"]


def seed_log() -> list[Exchange]:
    """One QA battery on the embedded simulator, as the recorder stored it (redacted)."""
    from bench.qa import battery
    from simulator import SimulatorConfig, SimulatorServer

    with tempfile.TemporaryDirectory() as folder, Recorder.open(Path(folder) / "s.sqlite") as rec:
        with SimulatorServer(SimulatorConfig(port=0, rate_limits=False)) as sim:
            battery(sim, rec)
        return rec.exchanges()


def _renamed(text: Any, old: str | None, new: str) -> Any:
    return text.replace(old, new) if old and isinstance(text, str) else text


def copies(
    seed: list[Exchange], rows: int
) -> Iterator[tuple[list[Any], list[list[Any]], list[Any]]]:
    """Per copy of the seed: its run row, exchange rows and proof rows (fresh ids, later times,
    references of its own: a real log of that size holds thousands of payments)."""
    templates = [(e, exchange_row(e), proofs_of(e)) for e in seed]
    span = seed[-1].started_at - seed[0].started_at + timedelta(seconds=1)
    next_id, copy = 1, 0
    while next_id <= rows:
        run_id, shift, suffix = f"bench-{copy:07d}", span * copy, f"-{copy}"
        ex_rows, proof_rows = [], []
        for e, row, found in templates[: rows - next_id + 1]:
            ref = e.reference
            new_ref = ref[: 64 - len(suffix)] + suffix if ref else None
            values = dict(
                row, id=next_id, run_id=run_id, started_at=(e.started_at + shift).isoformat()
            )
            for key in ("url", "request_body", "response_body", "reference"):
                values[key] = _renamed(values[key], ref, new_ref or "")
            ex_rows.append([values[c] for c in COLUMNS])
            for p in found:
                proof_ref = new_ref if p.reference == ref else p.reference
                proof_rows.append(
                    [
                        next_id,
                        p.kind,
                        run_id,
                        e.target,
                        values["started_at"],
                        proof_ref,
                        p.value,
                        p.mask,
                    ]
                )
            next_id += 1
        msn = next((r[MSN] for r in ex_rows if r[MSN]), None)
        run = [
            run_id,
            f"QA battery copy {copy}",
            (seed[0].started_at + shift).isoformat(),
            PERSONS[copy % len(PERSONS)],
            HOSTS[copy % len(HOSTS)],
            "simulator",
            msn,
            len(ex_rows),
        ]
        yield run, ex_rows, proof_rows
        copy += 1


def build_store(location: str, seed: list[Exchange], rows: int) -> None:
    """The schema by the store's own migration, then a bulk load, then the indexes and stats."""
    store = open_store(location)
    indexes = [i for t in (runs, exchanges, proofs) for i in t.indexes]
    with store.engine.begin() as conn:
        for index in indexes:
            index.drop(conn)
    if location.startswith("postgresql"):
        _load_postgresql(location, seed, rows)
    else:
        _load_sqlite(location, seed, rows)
    with store.engine.begin() as conn:
        for index in indexes:
            index.create(conn)
        rebuild_counts(conn)
    # Statistics for the planner; on PostgreSQL also the visibility map, as autovacuum keeps it
    # on a live database (index-only counts need it).
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE")
    store.close()


def _load_sqlite(path: str, seed: list[Exchange], rows: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    for run, ex_rows, proof_rows in copies(seed, rows):
        conn.execute(
            f"INSERT INTO runs ({', '.join(RUN_COLUMNS)}) VALUES ({', '.join('?' * 8)})", run
        )
        conn.executemany(
            f"INSERT INTO exchanges ({', '.join(COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(COLUMNS))})",
            ex_rows,
        )
        conn.executemany(
            f"INSERT INTO proofs ({', '.join(PROOF_COLUMNS)}) VALUES ({', '.join('?' * 8)})",
            proof_rows,
        )
    conn.execute("COMMIT")
    conn.close()


def _load_postgresql(url: str, seed: list[Exchange], rows: int) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        pending: list[tuple[list[Any], list[list[Any]], list[list[Any]]]] = []
        for batch in copies(seed, rows):
            pending.append(batch)
            if len(pending) >= 200:
                _copy_rows(conn, pending)
                pending = []
        _copy_rows(conn, pending)
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('exchanges', 'id'), "
            "(SELECT max(id) FROM exchanges))"
        )


def _copy_rows(
    conn: Any, pending: list[tuple[list[Any], list[list[Any]], list[list[Any]]]]
) -> None:
    # Runs first: exchanges and proofs point at them. One COPY at a time per connection.
    for table, columns, part in (
        ("runs", RUN_COLUMNS, 0),
        ("exchanges", COLUMNS, 1),
        ("proofs", PROOF_COLUMNS, 2),
    ):
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for batch in pending:
                for row in [batch[0]] if part == 0 else batch[part]:
                    copy.write_row(row)


def writers(name: str, location: str, seed: list[Exchange]) -> list[str]:
    """10 dashboard sessions and 3 QA runs recording into one store at once, each in its own
    process through Recorder.record (redaction, proofs, counts): figures and a loss check."""
    open_store(location).close()  # the schema first, not raced by thirteen processes
    plan = [("session", 150)] * 10 + [("qa", len(seed) * 3)] * 3
    with tempfile.TemporaryDirectory() as folder:
        seed_file = Path(folder) / "seed.json"
        seed_file.write_text(json.dumps([e.to_dict() for e in seed]))
        started = time.perf_counter()
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.store_load",
                    location,
                    f"{kind}-{n}",
                    str(count),
                    str(seed_file),
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            for n, (kind, count) in enumerate(plan)
        ]
        reports = [json.loads(p.communicate()[0]) for p in procs]
        seconds = time.perf_counter() - started
    store = open_store(location)
    written = sum(count for _, count in plan)
    counted = {r.id: r.count for r in store.runs()}
    stored = store.count()
    lost = written - stored + sum(abs(counted[r["run_id"]] - r["count"]) for r in reports)
    ids = [row[0] for chunk in store.iter_rows(None, ["id"], chunk=50_000) for row in chunk]
    duplicates = len(ids) - len(set(ids))
    store.close()
    latencies = sorted(x for r in reports for x in r["latencies"])
    p99 = latencies[int(len(latencies) * 0.99)]
    return [
        f"{name:<11}{'10 sessions + 3 QA runs':<30}{written / seconds:10.0f} exchanges/s  "
        f"{written} written, {stored} stored, lost {lost}, duplicate ids {duplicates}, "
        f"record() p50 {statistics.median(latencies) * 1000:.1f} ms p99 {p99 * 1000:.1f} ms"
    ]


def _writer(location: str, label: str, count: int, seed_file: str) -> None:
    seed = [_exchange(d) for d in json.loads(Path(seed_file).read_text())]
    person = "qa-cli" if label.startswith("qa") else label
    rec = Recorder.open(location, run_label=label, person=person)
    latencies = []
    for i in range(count):
        started = time.perf_counter()
        rec.record(replace(seed[i % len(seed)], id=None, reference=f"{label}-{i:06d}"))
        latencies.append(time.perf_counter() - started)
    print(json.dumps({"run_id": rec.run_id, "count": count, "latencies": latencies}))
    rec.close()


def _exchange(data: dict[str, Any]) -> Exchange:
    from datetime import datetime

    data = dict(data, started_at=datetime.fromisoformat(data["started_at"]))
    return Exchange(**data)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.store_load")
    parser.add_argument("location")
    parser.add_argument("label")
    parser.add_argument("count", type=int)
    parser.add_argument("seed_file")
    options = parser.parse_args()
    _writer(options.location, options.label, options.count, options.seed_file)
