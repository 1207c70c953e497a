"""The evidence recorder: redacts and stores every exchange; exports CSV, JSON, Excel, HAR, curl."""

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
from lib.recorder.frame import (
    COLUMNS,
    SUMMARY_COLUMNS,
    dataframe_to_exchanges,
    exchanges_to_dataframe,
    summary,
)
from lib.recorder.har import to_har
from lib.recorder.recorder import DEFAULT_PATH, Recorder
from lib.recorder.redaction import Redactor, placeholder, redact_json_fields
from lib.recorder.sqlite_store import SqliteStore
from lib.recorder.store import Run, Store, open_store

__all__ = [
    "COLUMNS",
    "DEFAULT_PATH",
    "EXPORT_FORMATS",
    "ExportFormat",
    "Recorder",
    "Redactor",
    "Run",
    "SUMMARY_COLUMNS",
    "SqliteStore",
    "Store",
    "curl_script",
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
