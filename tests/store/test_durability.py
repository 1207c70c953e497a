"""A committed exchange is durable: SQLite syncs its WAL at every commit (synchronous = FULL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from lib.recorder import open_store


def test_sqlite_store__commits_sync_the_wal(tmp_path: Path) -> None:
    store = open_store(tmp_path / "evidence.sqlite")
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # 2 = FULL, 1 = NORMAL
    finally:
        store.close()
