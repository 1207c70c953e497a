"""SQLite evidence store: one file, WAL, safe for writers in several threads and processes."""

from __future__ import annotations

from pathlib import Path

from lib.recorder.engines import sqlite_engine
from lib.recorder.schema import SCHEMA_VERSION
from lib.recorder.sql_store import SqlStore

__all__ = ["SCHEMA_VERSION", "SqliteStore"]


class SqliteStore(SqlStore):
    """The default store: a file beside the lab (or `:memory:` for quick tests)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        super().__init__(sqlite_engine(path), str(path))
