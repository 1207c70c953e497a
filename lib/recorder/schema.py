"""The evidence schema: one SQLAlchemy Core definition for SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    TIMESTAMP,
    BigInteger,
    Column,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.types import TypeDecorator, TypeEngine

from lib.recorder.unusual import SQLITE_UNUSUAL

SCHEMA_VERSION = 6  # lib/recorder/migrations.py brings older stores here


def as_utc(moment: datetime) -> datetime:
    """Naive times are taken as UTC (as the exchange's own clock writes them)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class UtcTime(TypeDecorator[datetime]):
    """An instant: ISO 8601 UTC text in SQLite (text order is time order), timestamptz in
    PostgreSQL (its own order, and COPY writes it as a time)."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TIMESTAMP(timezone=True))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        moment = as_utc(value)
        return moment if dialect.name == "postgresql" else moment.isoformat()

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        return as_utc(value)


# SQLite only aliases the rowid for INTEGER PRIMARY KEY; PostgreSQL gets 64-bit ids.
Id = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("id", String, primary_key=True),
    Column("label", String, nullable=False),
    Column("started_at", UtcTime, nullable=False),
    # Who and where (v2): given once or the OS user; the machine; the first exchange's target, MSN.
    Column("person", String),
    Column("host", String),
    Column("target", String),
    Column("msn", String),
    # Kept by each insert, so the run list never counts the exchanges table.
    Column("exchange_count", Integer, nullable=False, server_default="0"),
    Index("ix_runs_started", "started_at"),
    Index("ix_runs_person", "person"),
    Index("ix_runs_host", "host"),
    Index("ix_runs_target", "target"),
    Index("ix_runs_msn", "msn"),
)

exchanges = Table(
    "exchanges",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_id", String, ForeignKey("runs.id")),
    Column("started_at", UtcTime, nullable=False),
    Column("target", String),
    Column("step", String),
    Column("operation", String, nullable=False),
    Column("method", String, nullable=False),
    Column("url", Text, nullable=False),
    Column("request_headers", Text, nullable=False),
    Column("request_body", Text),
    Column("status", Integer),
    Column("response_headers", Text, nullable=False),
    Column("response_body", Text),
    Column("latency_ms", Float),
    Column("reference", String),
    Column("idempotency_key", String),
    Column("attempt", Integer, nullable=False),
    Column("error", Text),
    Column("msn", String),  # v2: the Merchant-Serial-Number header, for filters and the sidebar
    # v4: the headers a HAR entry looks up, worked out when the row is stored ("" when absent),
    # so a bulk HAR export does not search every row's headers (lib/recorder/bulk_har.py). NULL
    # in rows stored before v4: the export searches their headers' text instead.
    Column("request_content_type", Text),
    Column("response_content_type", Text),
    Column("response_location", Text),
    # v5: the request headers as a curl command's -H options (lib/recorder/curl.py), so a bulk
    # curl export joins texts instead of parsing every row's headers (bulk_curl.py). NULL in
    # rows stored before v5: Python prints their commands.
    Column("curl_headers", Text),
    # v6: both headers as HAR's name/value lists (lib/recorder/rows.py), so a bulk HAR export
    # copies them rather than rewriting every row's headers (~840 bytes a row; the bench's HAR
    # 24 -> 17 us a row on SQLite). NULL in rows stored before v6: the export rewrites those.
    Column("request_har_headers", Text),
    Column("response_har_headers", Text),
    Index("ix_exchanges_run", "run_id", "id"),
    Index("ix_exchanges_reference", "reference"),
    Index("ix_exchanges_started", "started_at", "id"),
    Index("ix_exchanges_operation", "operation", "status", "msn", "id"),
    Index("ix_exchanges_run_operation", "run_id", "operation", "id"),
    Index("ix_exchanges_step", "step", "id"),
    Index("ix_exchanges_status", "status", "id"),
    Index("ix_exchanges_target", "target", "id"),
    Index("ix_exchanges_msn", "msn", "id"),
    sqlite_autoincrement=True,  # ids are never reused, as in schema 1
)

# v6: every column the Request log filters on, in id order: a narrow copy of the rows. A
# "contains" filter on the reference can use no other index, and the table's rows carry bodies
# and headers (2.3 KB each in the bench's store): it reads this instead (summary_scan.py).
SUMMARY_INDEX = Index(
    "ix_exchanges_summary",
    *(exchanges.c[n] for n in ("id", "reference", "run_id", "step", "operation", "target")),
    *(exchanges.c[n] for n in ("msn", "status", "started_at")),
)

# v3, SQLite only: the few rows a bulk export has Python print (lib/recorder/unusual.py), kept
# as each row is stored so an export never tests a million rows for them.
UNUSUAL_INDEX = Index(
    "ix_exchanges_unusual", exchanges.c.id, sqlite_where=text(SQLITE_UNUSUAL)
).ddl_if(dialect="sqlite")

# v5, SQLite only: rows whose URL has a query string, which a HAR export has Python print
# (parse_qsl decodes it), so the export asks an index instead of reading every row's URL.
QUERY_URL = "instr(url, '?') > 0"
QUERY_URL_INDEX = Index(
    "ix_exchanges_query_url", exchanges.c.id, sqlite_where=text(QUERY_URL)
).ddl_if(dialect="sqlite")

run_meta = Table(
    "run_meta",
    metadata,
    Column("run_id", String, ForeignKey("runs.id"), primary_key=True),
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UtcTime, nullable=False),
)

# What each exchange can prove on the checklist, worked out once when it is stored
# (lib/recorder/proofs.py), so the checklist asks indexed questions instead of reading bodies.
proofs = Table(
    "proofs",
    metadata,
    Column("exchange_id", Id, ForeignKey("exchanges.id"), primary_key=True),
    Column("kind", String, primary_key=True),
    Column("run_id", String),
    Column("target", String),
    Column("started_at", UtcTime, nullable=False),
    Column("reference", String),
    Column("value", String),
    Column("mask", Integer, nullable=False, server_default="0"),
    Index("ix_proofs_kind", "kind", "target", "started_at", "exchange_id"),
    Index("ix_proofs_reference", "kind", "target", "reference", "started_at"),
    Index("ix_proofs_run", "run_id", "kind"),
)

# Proofs counted per run, kind, target and UTC day, kept by each insert: the checklist's counts
# read a few hundred rows here instead of a million index entries. A run is one writer, so
# concurrent writers never wait on each other's counters.
proof_counts = Table(
    "proof_counts",
    metadata,
    Column("kind", String, primary_key=True),
    Column("target", String, primary_key=True),  # "" for none
    Column("day", String, primary_key=True),  # YYYY-MM-DD, UTC
    Column("run_id", String, primary_key=True),  # "" for none
    Column("n", Integer, nullable=False),
    Index("ix_proof_counts_run", "run_id"),
)

# Columns of an exchange in the order the rows are read back (Exchange's field names).
EXCHANGE_COLUMNS: tuple[str, ...] = (
    "id", "run_id", "started_at", "target", "step", "operation", "method", "url",
    "request_headers", "request_body", "status", "response_headers", "response_body",
    "latency_ms", "reference", "idempotency_key", "attempt", "error",
)  # fmt: skip
