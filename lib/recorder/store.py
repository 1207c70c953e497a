"""The evidence store interface, and the store a path or URL names (SQLite or PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from lib.exchange import Exchange

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from lib.recorder.filters import ExchangeFilter, Page, RunFilter
    from lib.recorder.sql_store import SidebarFacts, SqlStore

ENV_DB = "EPAYMENT_LAB_DB"  # a SQLite path or a postgresql:// URL for the whole lab


@dataclass(frozen=True)
class Run:
    """A group of exchanges (a session, a notebook run, a QA scenario), with who and where."""

    id: str
    label: str
    started_at: datetime
    count: int = 0
    person: str | None = None  # given once, or the OS user
    host: str | None = None  # the machine that recorded it
    target: str | None = None  # of its first exchange: simulator, test, production, custom
    msn: str | None = None  # the Merchant-Serial-Number of its first exchange that sent one


@runtime_checkable
class Store(Protocol):
    """Where redacted exchanges live. Implementations must be safe for concurrent writers."""

    engine: Engine  # SQLAlchemy: exports and the checklist ask it their own questions

    def add_run(self, run: Run) -> None: ...

    def runs(self, who: RunFilter | None = None, *, newest: int | None = None) -> list[Run]: ...

    def run(self, run_id: str) -> Run | None: ...

    def add_exchange(self, exchange: Exchange) -> int:
        """Stores one exchange (already redacted, `run_id` set) and returns its new id."""
        ...

    def exchanges(
        self,
        run_id: str | None = None,
        reference: str | None = None,
        operation: str | None = None,
    ) -> list[Exchange]:
        """Exchanges in insertion order; `run_id=None` means every run."""
        ...

    def iter_exchanges(
        self, where: ExchangeFilter | None = None, *, chunk: int = ...
    ) -> Iterator[Exchange]:
        """Matching exchanges oldest first, read a chunk at a time (constant memory)."""
        ...

    def iter_rows(
        self,
        where: ExchangeFilter | None,
        columns: Sequence[Any],
        *,
        chunk: int = ...,
        raw: bool = ...,
        text_as_bytes: bool = ...,
    ) -> Iterator[Sequence[Any]]:
        """Chunks of rows: column names or SQL expressions over the exchanges table."""
        ...

    def count(self, where: ExchangeFilter | None = None) -> int: ...

    def page(
        self, where: ExchangeFilter | None = None, *, offset: int = 0, limit: int = 50
    ) -> Page: ...

    def exchange(self, exchange_id: int) -> Exchange | None:
        """One exchange by its id (any run), or None when there is none with that id."""
        ...

    def sidebar_facts(self, run_id: str, base_url: str, msn: str | None) -> SidebarFacts: ...

    def get_meta(self, run_id: str, key: str) -> str | None: ...

    def set_meta(self, run_id: str, key: str, value: str | None) -> None:
        """Sets (or, with None, deletes) one key/value note on a run."""
        ...

    def meta(self, run_id: str) -> dict[str, str]: ...

    def close(self) -> None: ...


def default_location(fallback: str | Path) -> str | Path:
    """`EPAYMENT_LAB_DB` when set (a path or a postgresql:// URL), else `fallback`."""
    return os.environ.get(ENV_DB) or fallback


def open_store(location: str | Path) -> SqlStore:
    """The store a location names: `path/to.sqlite`, `sqlite:///path`, `:memory:`, or
    `postgresql://user:password@host:port/database` (a shared store for a team)."""
    from lib.recorder.engines import is_postgresql
    from lib.recorder.postgres_store import PostgresStore
    from lib.recorder.sqlite_store import SqliteStore

    text = str(location)
    if "://" not in text:
        return SqliteStore(location)
    scheme, _, rest = text.partition("://")
    if scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy spells them.
        return SqliteStore(rest[1:] if rest.startswith("/") else rest)
    if is_postgresql(text):
        return PostgresStore(text)
    raise ValueError(
        f"No evidence store for {scheme!r} URLs; use a SQLite file path or a "
        "postgresql://user:password@host:port/database URL."
    )
