"""The evidence recorder: redacts and stores every exchange (SQLite or PostgreSQL); queries and
exports (CSV, JSON, Excel, HAR, curl) streamed from the database."""

from lib.recorder.curl import to_curl
from lib.recorder.exports import (
    EXPORT_FORMATS,
    ExportFormat,
    curl_script,
    export_bytes,
    write_csv,
    write_curl,
    write_har,
    write_json,
    write_xlsx,
)
from lib.recorder.filters import STATUS_CLASSES, ExchangeFilter, Page, RunFilter
from lib.recorder.frame import (
    COLUMNS,
    SUMMARY_COLUMNS,
    dataframe_to_exchanges,
    exchanges_to_dataframe,
    summary,
)
from lib.recorder.har import to_har
from lib.recorder.postgres_store import PostgresStore
from lib.recorder.recorder import DEFAULT_PATH, Recorder
from lib.recorder.redaction import Redactor, placeholder, redact_json_fields
from lib.recorder.sql_store import SidebarFacts, SqlStore
from lib.recorder.sqlite_store import SqliteStore
from lib.recorder.store import ENV_DB, Run, Store, default_location, open_store

__all__ = [
    "COLUMNS",
    "DEFAULT_PATH",
    "ENV_DB",
    "EXPORT_FORMATS",
    "ExchangeFilter",
    "ExportFormat",
    "Page",
    "PostgresStore",
    "Recorder",
    "Redactor",
    "Run",
    "RunFilter",
    "STATUS_CLASSES",
    "SUMMARY_COLUMNS",
    "SidebarFacts",
    "SqlStore",
    "SqliteStore",
    "Store",
    "curl_script",
    "default_location",
    "dataframe_to_exchanges",
    "exchanges_to_dataframe",
    "export_bytes",
    "open_store",
    "placeholder",
    "redact_json_fields",
    "summary",
    "to_curl",
    "to_har",
    "write_csv",
    "write_curl",
    "write_har",
    "write_json",
    "write_xlsx",
]
