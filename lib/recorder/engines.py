"""Database engines for the evidence store: a SQLite file (WAL) or a PostgreSQL URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

BUSY_TIMEOUT_MS = 30_000
SYNCHRONOUS = "FULL"  # see _pragmas: committed evidence is durable


def is_postgresql(url: str) -> bool:
    return url.split("://", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def postgresql_engine(url: str) -> Engine:
    """psycopg 3 whatever driver the URL names; a small pool per process, checked before use."""
    scheme, _, rest = url.partition("://")
    engine = create_engine(
        f"postgresql+psycopg://{rest}",
        pool_size=5,
        max_overflow=10,
        pool_pre_ping=True,  # a restarted server must not break a long-lived dashboard session
    )

    @event.listens_for(engine, "connect")
    def _utc(dbapi_connection: Any, _record: Any) -> None:
        # Times come back in UTC whatever the server's TimeZone (the exports print them as is).
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()

    return engine


def sqlite_engine(path: str | Path) -> Engine:
    """One file in WAL mode, safe for writers in several threads and processes.

    Writes start with BEGIN IMMEDIATE (the write lock up front), so two writers never deadlock
    upgrading a read lock; reads take a plain BEGIN (a snapshot, never blocking the writers).
    """
    memory = str(path) == ":memory:"
    if not memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000}}
    if memory:  # one connection, or every checkout would see another empty database
        options = {"connect_args": {"check_same_thread": False}, "poolclass": StaticPool}
    engine = create_engine(f"sqlite:///{path}", **options)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we say BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: each commit syncs the WAL, so a committed exchange survives an OS crash or power
        # loss (NORMAL may roll the last commits back). Evidence is the product; the cost is in
        # bench/README.md ("Durable evidence").
        cursor.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA case_sensitive_like = ON")  # "contains" as in PostgreSQL and pandas
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
