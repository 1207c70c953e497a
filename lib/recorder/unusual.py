"""Rows the database cannot print the way the Python export does, so a bulk export asks Python
for them (lib/recorder/bulk_sqlite.py, bulk_postgres.py).

A million rows go out as text the database writes itself; a handful may not: a text cell that
starts a spreadsheet formula (CSV neutralises it), a latency SQLite or PostgreSQL prints in
another form than Python's `repr` (SQLite keeps 15 digits, "1.0e-07"; PostgreSQL "1e+15"), or
headers stored with \\u escapes by SQLite's schema 1 (the export shows the characters). SQLite pays
for these checks on every row of every export, so it keeps them in a partial index, worked out
once when a row is stored; PostgreSQL checks them as it copies (cheap there).
"""

from __future__ import annotations

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# Text cells a bulk CSV prints as they are; started_at (ISO time) and the JSON header objects
# never start with a formula character.
CHECKED_TEXTS = (
    "run_id", "step", "operation", "method", "url", "reference", "idempotency_key", "error",
    "target", "request_body", "response_body",
)  # fmt: skip
_SQLITE_STARTS = "('=', '+', '-', '@', char(9), char(13), char(10))"


def _sqlite_condition() -> str:
    formula = [f"substr({c}, 1, 1) IN {_SQLITE_STARTS}" for c in CHECKED_TEXTS]
    latency = (
        "(latency_ms IS NOT NULL AND (CAST(CAST(latency_ms AS TEXT) AS REAL) <> latency_ms"
        " OR instr(CAST(latency_ms AS TEXT), 'e') > 0 OR instr(CAST(latency_ms AS TEXT), 'I') > 0))"
    )
    escaped = "instr(request_headers, '\\u') > 0 OR instr(response_headers, '\\u') > 0"
    return " OR ".join([*formula, latency, escaped])


# The partial index's WHERE, and the same text in the query that uses it (SQLite matches the
# two by their words).
SQLITE_UNUSUAL = _sqlite_condition()


def postgres_redo() -> str:
    """A PostgreSQL condition: the row's latency needs Python (its SELECT neutralises formula
    starts itself): NaN and infinities, -0, a fraction past 1e15 (printed with an exponent). A
    float compared costs less than one printed. No header check: PostgreSQL stores began at
    schema 2 (lib/recorder/migrations.py), whose headers are stored as the exports print them
    (`json.dumps(..., ensure_ascii=False)`, lib/recorder/rows.py); the LIKE over both headers
    cost 1 us of every row's ~20 (200,000 HAR entries)."""
    return (
        "(latency_ms = 'NaN' OR abs(latency_ms) = 'Infinity'"
        " OR CASE WHEN latency_ms = 0 THEN latency_ms::text = '-0' END"
        " OR (abs(latency_ms) >= 1e15 AND latency_ms <> trunc(latency_ms)))"
    )
