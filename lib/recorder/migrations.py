"""Versioned migrations of the evidence schema: a new store is created at the current version,
an older one is brought forward step by step, a newer one is refused."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, select, text, update

from lib.recorder.proofs import proof_rows
from lib.recorder.rows import CURL_HEADERS, HAR_HEADERS, LOOKED_UP, header_value, to_exchange
from lib.recorder.schema import (
    EXCHANGE_COLUMNS,
    QUERY_URL_INDEX,
    SCHEMA_VERSION,
    SUMMARY_INDEX,
    UNUSUAL_INDEX,
    exchanges,
    metadata,
    proof_counts,
    proofs,
    runs,
)

BACKFILL_CHUNK = 2_000
_LOCK_KEY = 0x45504C  # "EPL": one migration at a time per PostgreSQL database


def current_version(conn: Connection) -> int:
    """0 for an empty database; SQLite keeps it in user_version, PostgreSQL in a table."""
    if conn.dialect.name == "sqlite":
        return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(text("SELECT version FROM schema_version")).scalar_one())


def _set_version(conn: Connection, version: int) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA user_version = {int(version)}")
        return
    conn.execute(text("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
    conn.execute(text("DELETE FROM schema_version"))
    conn.execute(text("INSERT INTO schema_version (version) VALUES (:v)"), {"v": version})


def _v2_who_where_and_proofs(conn: Connection) -> None:
    """Runs gain who/where and a kept count; exchanges their MSN; the checklist's proofs table."""
    for column in ("person", "host", "target", "msn"):
        conn.execute(text(f"ALTER TABLE runs ADD COLUMN {column} VARCHAR"))
    conn.execute(text("ALTER TABLE runs ADD COLUMN exchange_count INTEGER NOT NULL DEFAULT 0"))
    conn.execute(text("ALTER TABLE exchanges ADD COLUMN msn VARCHAR"))
    proofs.create(conn)
    proof_counts.create(conn)
    for table in (runs, exchanges):
        for index in table.indexes:
            index.create(conn, checkfirst=True)
    _backfill(conn)


def _backfill(conn: Connection) -> None:
    """MSNs and proofs of the stored exchanges, their counts, then each run's count, target
    and MSN."""
    last = 0
    columns = [exchanges.c[name] for name in EXCHANGE_COLUMNS]
    while True:
        query = select(*columns).where(exchanges.c.id > last).order_by(exchanges.c.id)
        chunk = conn.execute(query.limit(BACKFILL_CHUNK)).mappings().all()
        if not chunk:
            break
        for row in chunk:
            exchange = to_exchange(dict(row))
            msn = header_value(json.loads(row["request_headers"]), "Merchant-Serial-Number")
            conn.execute(update(exchanges).where(exchanges.c.id == row["id"]).values(msn=msn))
            if found := proof_rows(row["id"], exchange):
                conn.execute(proofs.insert(), found)
        last = chunk[-1]["id"]
    rebuild_counts(conn)
    conn.execute(
        text(
            "UPDATE runs SET exchange_count = (SELECT COUNT(*) FROM exchanges e "
            "WHERE e.run_id = runs.id), target = (SELECT e.target FROM exchanges e "
            "WHERE e.run_id = runs.id ORDER BY e.id LIMIT 1), msn = (SELECT e.msn FROM "
            "exchanges e WHERE e.run_id = runs.id AND e.msn IS NOT NULL ORDER BY e.id LIMIT 1)"
        )
    )


def rebuild_counts(conn: Connection) -> None:
    """proof_counts from the proofs table (after a migration's backfill or a bulk load)."""
    if conn.dialect.name == "postgresql":
        day = "to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    else:
        day = "substr(started_at, 1, 10)"  # ISO 8601 UTC text
    conn.execute(text("DELETE FROM proof_counts"))
    conn.execute(
        text(
            "INSERT INTO proof_counts (kind, target, day, run_id, n) "
            f"SELECT kind, coalesce(target, ''), {day}, coalesce(run_id, ''), count(*) "
            f"FROM proofs GROUP BY kind, coalesce(target, ''), {day}, coalesce(run_id, '')"
        )
    )


def _v3_unusual_rows(conn: Connection) -> None:
    """SQLite indexes the rows a bulk export has Python print (one scan, once)."""
    UNUSUAL_INDEX.create(conn, checkfirst=True)


def _v4_looked_up_headers(conn: Connection) -> None:
    """Columns for the headers a HAR entry looks up; NULL (not worked out) in the stored rows,
    so the step costs nothing on a big store: the export searches those rows' headers."""
    for column in LOOKED_UP:
        conn.execute(text(f"ALTER TABLE exchanges ADD COLUMN {column} TEXT"))


def _v5_curl_headers(conn: Connection) -> None:
    """A column for the request headers as curl options; NULL (Python prints those commands)
    in the stored rows, so the step costs nothing on a big store. SQLite indexes the URLs with
    a query string (one scan, once)."""
    conn.execute(text(f"ALTER TABLE exchanges ADD COLUMN {CURL_HEADERS} TEXT"))
    QUERY_URL_INDEX.create(conn, checkfirst=True)


def _v6_summary_index_and_har_headers(conn: Connection) -> None:
    """The Request log's filter columns as one index in id order (one scan, once: ~2 s for a
    million rows here); columns for the headers as HAR lists, NULL in the stored rows (the
    export rewrites their headers, as before)."""
    SUMMARY_INDEX.create(conn, checkfirst=True)
    for column in HAR_HEADERS:
        conn.execute(text(f"ALTER TABLE exchanges ADD COLUMN {column} TEXT"))


# STEPS[n] brings a store from version n - 1 to n (version 1 was SQLite's first schema).
STEPS: dict[int, Callable[[Connection], None]] = {
    2: _v2_who_where_and_proofs,
    3: _v3_unusual_rows,
    4: _v4_looked_up_headers,
    5: _v5_curl_headers,
    6: _v6_summary_index_and_har_headers,
}


def migrate(engine: Engine, where: str) -> None:
    """Brings the database to SCHEMA_VERSION, once even with several processes opening it."""
    with engine.connect() as conn:
        version = current_version(conn)
        conn.rollback()
    if version == SCHEMA_VERSION:
        return
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        version = current_version(conn)  # again, under the lock: another process may be done
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"{where} has evidence schema {version}; this code knows {SCHEMA_VERSION}. "
                "Update ePayment Lab or use another store."
            )
        if version == 0:
            metadata.create_all(conn)
        else:
            for step in range(version + 1, SCHEMA_VERSION + 1):
                STEPS[step](conn)
        _set_version(conn, SCHEMA_VERSION)
