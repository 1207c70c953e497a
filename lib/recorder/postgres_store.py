"""PostgreSQL evidence store: one database shared by a team's dashboards, notebooks and QA runs."""

from __future__ import annotations

from lib.recorder.engines import postgresql_engine
from lib.recorder.sql_store import SqlStore


class PostgresStore(SqlStore):
    """`postgresql://user:password@host:port/database`; the schema is created or migrated once."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(postgresql_engine(url), _without_password(url))


def _without_password(url: str) -> str:
    """The URL for messages: never the password."""
    scheme, _, rest = url.partition("://")
    credentials, at, place = rest.rpartition("@")
    if not at:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}@{place}"
