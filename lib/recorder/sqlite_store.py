"""SQLite evidence store: one file, WAL, safe for writers in several threads and processes."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lib.exchange import Exchange
from lib.recorder.store import Run

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 30_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    started_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS exchanges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT REFERENCES runs(id),
    started_at TEXT NOT NULL,
    target TEXT, step TEXT, operation TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL,
    request_headers TEXT NOT NULL, request_body TEXT,
    status INTEGER, response_headers TEXT NOT NULL, response_body TEXT,
    latency_ms REAL, reference TEXT, idempotency_key TEXT, attempt INTEGER NOT NULL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS ix_exchanges_run ON exchanges(run_id, id);
CREATE INDEX IF NOT EXISTS ix_exchanges_reference ON exchanges(reference);
CREATE TABLE IF NOT EXISTS run_meta (
    run_id TEXT NOT NULL REFERENCES runs(id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
);
"""
_COLUMNS = (
    "run_id, started_at, target, step, operation, method, url, request_headers, request_body, "
    "status, response_headers, response_body, latency_ms, reference, idempotency_key, attempt, "
    "error"
)


def _utc_iso(moment: datetime) -> str:
    # Stored in UTC so text order is time order; naive times are taken as UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


class SqliteStore:
    """One connection guarded by a lock (threads); WAL and busy_timeout (processes)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        # One shared connection instead of one per thread: Streamlit runs each rerun in a new
        # thread, so per-thread connections would pile up. isolation_level=None: we BEGIN ourselves.
        self._conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")  # durable enough in WAL mode, much faster
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock upgrading.
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} has evidence schema {version}; this code knows {SCHEMA_VERSION}. "
                    "Update ePayment Lab or use another file."
                )
            if version < SCHEMA_VERSION:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def add_run(self, run: Run) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO runs (id, label, started_at) VALUES (?, ?, ?)",
                (run.id, run.label, _utc_iso(run.started_at)),
            )

    def runs(self) -> list[Run]:
        query = (
            "SELECT r.id, r.label, r.started_at, COUNT(e.id) AS count FROM runs r "
            "LEFT JOIN exchanges e ON e.run_id = r.id GROUP BY r.id ORDER BY r.started_at, r.rowid"
        )
        with self._lock:
            rows = self._conn.execute(query).fetchall()
        return [
            Run(row["id"], row["label"], datetime.fromisoformat(row["started_at"]), row["count"])
            for row in rows
        ]

    def add_exchange(self, exchange: Exchange) -> int:
        e = exchange
        values = (
            e.run_id, _utc_iso(e.started_at), e.target, e.step, e.operation, e.method, e.url,
            json.dumps(e.request_headers), e.request_body, e.status, json.dumps(e.response_headers),
            e.response_body, e.latency_ms, e.reference, e.idempotency_key, e.attempt, e.error,
        )  # fmt: skip
        with self._write() as conn:
            cursor = conn.execute(
                f"INSERT INTO exchanges ({_COLUMNS}) VALUES ({', '.join('?' * 17)})", values
            )
            return int(cursor.lastrowid or 0)

    def exchanges(
        self,
        run_id: str | None = None,
        reference: str | None = None,
        operation: str | None = None,
    ) -> list[Exchange]:
        filters = {"run_id": run_id, "reference": reference, "operation": operation}
        where = [f"{column} = ?" for column, value in filters.items() if value is not None]
        params = [value for value in filters.values() if value is not None]
        sql = f"SELECT id, {_COLUMNS} FROM exchanges"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY id", params).fetchall()
        return [_row_to_exchange(row) for row in rows]

    def exchange(self, exchange_id: int) -> Exchange | None:
        with self._lock:
            row = self._conn.execute(
                f"SELECT id, {_COLUMNS} FROM exchanges WHERE id = ?", (exchange_id,)
            ).fetchone()
        return None if row is None else _row_to_exchange(row)

    def get_meta(self, run_id: str, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT value FROM run_meta WHERE run_id = ? AND key = ?", (run_id, key)
            ).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, run_id: str, key: str, value: str | None) -> None:
        with self._write() as conn:
            if value is None:
                conn.execute("DELETE FROM run_meta WHERE run_id = ? AND key = ?", (run_id, key))
                return
            conn.execute(
                "INSERT INTO run_meta (run_id, key, value, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (run_id, key, value, _utc_iso(datetime.now(UTC))),
            )

    def meta(self, run_id: str) -> dict[str, str]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT key, value FROM run_meta WHERE run_id = ? ORDER BY key", (run_id,)
            ).fetchall()
        return {row["key"]: row["value"] for row in rows}

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _row_to_exchange(row: sqlite3.Row) -> Exchange:
    data: dict[str, Any] = dict(row)
    data["started_at"] = datetime.fromisoformat(data["started_at"])
    data["request_headers"] = json.loads(data["request_headers"])
    data["response_headers"] = json.loads(data["response_headers"])
    return Exchange(**data)
