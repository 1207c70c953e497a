"""The evidence store interface (SQLite today; a database URL could select PostgreSQL later)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from lib.exchange import Exchange


@dataclass(frozen=True)
class Run:
    """A group of exchanges (a session, a notebook run, a QA scenario)."""

    id: str
    label: str
    started_at: datetime
    count: int = 0


@runtime_checkable
class Store(Protocol):
    """Where redacted exchanges live. Implementations must be safe for concurrent writers."""

    def add_run(self, run: Run) -> None: ...

    def runs(self) -> list[Run]: ...

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

    def exchange(self, exchange_id: int) -> Exchange | None:
        """One exchange by its id (any run), or None when there is none with that id."""
        ...

    def get_meta(self, run_id: str, key: str) -> str | None: ...

    def set_meta(self, run_id: str, key: str, value: str | None) -> None:
        """Sets (or, with None, deletes) one key/value note on a run."""
        ...

    def meta(self, run_id: str) -> dict[str, str]: ...

    def close(self) -> None: ...


def open_store(location: str | Path) -> Store:
    """A store for a file path or a URL: `path/to.sqlite`, `sqlite:///path`; others are refused."""
    from lib.recorder.sqlite_store import SqliteStore

    text = str(location)
    if "://" not in text:
        return SqliteStore(location)
    scheme, _, rest = text.partition("://")
    if scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy spells them.
        return SqliteStore(rest[1:] if rest.startswith("/") else rest)
    raise ValueError(
        f"No evidence store for {scheme!r} URLs yet; use a SQLite file path. "
        "(A PostgreSQL store would implement lib.recorder.Store.)"
    )
