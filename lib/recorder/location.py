"""Where a command-line run keeps its evidence: --db, else EPAYMENT_LAB_DB, else a file in --out."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

_PASSWORD = re.compile(r"(://[^:/@]+:)[^@]*@")


def evidence_location(given: str | None, default: Path, env: Mapping[str, str] = os.environ) -> str:
    """A team's shared store (a postgresql:// URL) wins over the run's own SQLite file."""
    return given or env.get("EPAYMENT_LAB_DB") or str(default)


def shown(location: str) -> str:
    """The location as printed: a URL's password never reaches a terminal or a CI log."""
    return _PASSWORD.sub(r"\1***@", location)
