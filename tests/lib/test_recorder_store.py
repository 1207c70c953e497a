"""SqliteStore specifics: the file, WAL, schema versions (a v1 file migrated), `:memory:`.
Behaviour shared with PostgreSQL is tested on both in tests/store/."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from lib.exchange import Exchange
from lib.recorder import ExchangeFilter, Recorder, SqliteStore, export_bytes
from lib.recorder.exports import Selection
from lib.recorder.sqlite_store import SCHEMA_VERSION

# Schema 1, as the first release wrote it: stores made then must open and gain the new columns.
V1 = """
CREATE TABLE runs (id TEXT PRIMARY KEY, label TEXT NOT NULL, started_at TEXT NOT NULL);
CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT REFERENCES runs(id),
    started_at TEXT NOT NULL, target TEXT, step TEXT, operation TEXT NOT NULL,
    method TEXT NOT NULL, url TEXT NOT NULL, request_headers TEXT NOT NULL, request_body TEXT,
    status INTEGER, response_headers TEXT NOT NULL, response_body TEXT, latency_ms REAL,
    reference TEXT, idempotency_key TEXT, attempt INTEGER NOT NULL, error TEXT);
CREATE INDEX ix_exchanges_run ON exchanges(run_id, id);
CREATE INDEX ix_exchanges_reference ON exchanges(reference);
CREATE TABLE run_meta (run_id TEXT NOT NULL REFERENCES runs(id), key TEXT NOT NULL,
    value TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (run_id, key));
PRAGMA user_version = 1;
"""


def test_schema_created_with_version_wal_and_parent_dir(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "lab.sqlite"
    store = SqliteStore(path)
    assert path.exists() and store.schema_version == SCHEMA_VERSION
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"runs", "exchanges", "run_meta", "proofs"} <= tables
    SqliteStore(path).close()  # reopening an existing file is fine


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="schema"):
        SqliteStore(path)


def test_a_version_1_file_is_migrated_with_its_evidence(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite"
    headers = json.dumps({"Merchant-Serial-Number": "123456"})
    body = json.dumps({"reference": "acme-order-1001", "redirectUrl": "https://x"})
    with sqlite3.connect(path) as conn:
        conn.executescript(V1)
        conn.execute("INSERT INTO runs VALUES ('r1', 'old run', '2026-01-01T10:00:00+00:00')")
        conn.execute(
            "INSERT INTO exchanges (run_id, started_at, target, operation, method, url, "
            "request_headers, status, response_headers, response_body, reference, attempt) "
            "VALUES ('r1', '2026-01-01T10:00:01+00:00', 'test', 'create_payment', 'POST', "
            "'https://apitest.vipps.no/epayment/v1/payments', ?, 201, '{}', ?, "
            "'acme-order-1001', 1)",
            (headers, body),
        )
    store = SqliteStore(path)
    assert store.schema_version == SCHEMA_VERSION
    [run] = store.runs()
    assert (run.label, run.count, run.target, run.msn) == ("old run", 1, "test", "123456")
    with sqlite3.connect(path) as conn:
        kinds = {r[0] for r in conn.execute("SELECT kind FROM proofs")}
        msn = conn.execute("SELECT msn FROM exchanges").fetchone()[0]
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"E1", "P1", "Q4"} <= kinds and msn == "123456"
    assert "ix_exchanges_summary" in indexes  # schema 6
    assert store.page(ExchangeFilter(reference_contains="order-10")).total == 1
    [exchange] = store.exchanges()
    assert exchange.reference == "acme-order-1001" and exchange.status == 201
    # Columns later schemas keep beside a row are NULL in old rows: exports search them again.
    for fmt in ("har", "curl"):
        assert export_bytes(Selection(store), fmt) == export_bytes([exchange], fmt)
    store.close()


def test_in_memory_store_for_quick_tests() -> None:
    recorder = Recorder.open(":memory:", run_label="memory")
    recorder.record(Exchange("GET", "http://sim/x", "get_payment", status=200))
    assert [run.count for run in recorder.runs()] == [1]
    assert not Path(":memory:").exists()
    recorder.close()


def test_unusual_rows_are_indexed_and_the_export_asks_the_index(tmp_path: Path) -> None:
    """SQLite keeps the rows a bulk export prints through Python in a partial index (schema 3):
    the export looks them up there instead of testing every row."""
    from lib.recorder.bulk_sqlite import UNUSUAL_IDS

    path = tmp_path / "lab.sqlite"
    store = SqliteStore(path)
    for error in (None, "=cmd", "plain", "-1"):
        store.add_exchange(Exchange("GET", "http://sim/x", "get_payment", error=error))
    with store.engine.connect() as conn:
        found = conn.execute(UNUSUAL_IDS, {"a": 1, "b": 4}).scalars().all()
        plan = conn.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {UNUSUAL_IDS.text.replace(':a', '1').replace(':b', '4')}"
        ).all()
    assert found == [2, 4]
    assert "ix_exchanges_unusual" in " ".join(str(step[-1]) for step in plan)


def test_urls_with_a_query_string_are_indexed_for_har(tmp_path: Path) -> None:
    """A HAR export has Python print the entries whose URL has a query string (parse_qsl):
    SQLite lists them in a partial index (schema 5), so the export never reads every URL."""
    from sqlalchemy import text

    from lib.recorder.schema import QUERY_URL

    store = SqliteStore(tmp_path / "lab.sqlite")
    for url in ("http://sim/p", "http://sim/p?a=1", "http://sim/q", "http://sim/q?"):
        store.add_exchange(Exchange("GET", url, "get_payment", status=200))
    query = f"SELECT id FROM exchanges WHERE id BETWEEN 1 AND 4 AND {QUERY_URL}"
    with store.engine.connect() as conn:
        found = conn.execute(text(query)).scalars().all()
        plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}").all()
    assert found == [2, 4]
    assert "ix_exchanges_query_url" in " ".join(str(step[-1]) for step in plan)
    assert export_bytes(Selection(store), "har") == export_bytes(store.exchanges(), "har")
    store.close()
