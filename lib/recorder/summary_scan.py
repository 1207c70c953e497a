"""The Request log's page and count for a filter with "reference contains": read from the
summary index (lib/recorder/schema.py SUMMARY_INDEX), not from the table.

No index answers a substring, so these queries read every row the other filters leave; the
table's rows carry bodies and headers, the index only the filtered columns, in id order (a page
stops at its last row; a count reads the index alone). A million exchanges of the bench's store:
SQLite 0.5-0.8 s -> 0.13-0.17 s for a page or a count; PostgreSQL, whose planner picks the index
itself, 0.5-0.9 s -> 0.07-0.3 s. SQLite's planner prefers a search on another index and then
reads each row, so it is told (INDEXED BY, which SQLAlchemy's SQLite dialect does not print);
the price: a contains filter on one small run reads the whole index too (~0.15 s a million rows)
where its run's index would have been quicker.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Alias
from sqlalchemy.sql.util import ClauseAdapter

from lib.recorder.schema import SUMMARY_INDEX, exchanges


class _Summary(Alias):
    """The exchanges table, read through its summary index on SQLite."""

    inherit_cache = True


@compiles(_Summary, "sqlite")
def _indexed_by(element: _Summary, compiler: Any, **kw: Any) -> str:
    printed: str = compiler.visit_alias(element, **kw)
    return f"{printed} INDEXED BY {SUMMARY_INDEX.name}" if kw.get("asfrom") else printed


def _summary(condition: ColumnElement[bool]) -> tuple[_Summary, ColumnElement[bool]]:
    source = _Summary._construct(exchanges, name="summary")
    return source, ClauseAdapter(source).traverse(condition)


def summary_count(condition: ColumnElement[bool]) -> Select[Any]:
    source, where = _summary(condition)
    return select(func.count()).select_from(source).where(where)


def summary_page_ids(condition: ColumnElement[bool], offset: int, limit: int) -> Select[Any]:
    """The ids of one page of matching exchanges, newest first."""
    source, where = _summary(condition)
    ids = source.c.id
    return select(ids).where(where).order_by(ids.desc()).offset(offset).limit(limit)
