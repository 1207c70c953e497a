"""CSV text of the evidence, the general way: text cells always quoted (formula starts
neutralised, OWASP "CSV injection"), numbers bare, missing values empty, CRLF line ends
(RFC 4180). Selections in the store are printed by the database itself (bulk_sqlite.py,
bulk_postgres.py) into exactly these bytes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from lib.recorder.unusual import FORMULA_START

__all__ = ["FORMULA_START", "cell", "lines"]


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.isoformat()
    if isinstance(value, str):
        if value.startswith(FORMULA_START):
            value = "'" + value
        return '"' + value.replace('"', '""') + '"'
    return str(value)


def lines(rows: Iterable[Sequence[Any]]) -> str:
    return "".join(",".join(cell(v) for v in row) + "\r\n" for row in rows)
