"""Every store test runs twice: on a SQLite file and on a real PostgreSQL server (a throwaway
cluster this session starts, and stops at the end)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lib.recorder import Recorder, SqlStore, open_store
from tests.store.cluster import Cluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    with Cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh, empty store lives: a SQLite file, or a new schema on the cluster."""
    if request.param == "sqlite":
        return str(tmp_path / "evidence" / "lab.sqlite")
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.fresh_schema()


@pytest.fixture
def store(location: str) -> Iterator[SqlStore]:
    opened = open_store(location)
    yield opened
    opened.close()


@pytest.fixture
def recorder(location: str) -> Iterator[Recorder]:
    rec = Recorder.open(location, run_label="first")
    yield rec
    rec.close()
