"""Fixtures: hand-built evidence logs."""

from __future__ import annotations

import pytest

from tests.checklist.checklist_logs import LogBuilder, complete_log


@pytest.fixture
def builder() -> LogBuilder:
    return LogBuilder()


@pytest.fixture
def full_log() -> LogBuilder:
    return complete_log(LogBuilder())
