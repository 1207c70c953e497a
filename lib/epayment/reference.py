"""Payment references as the docs recommend: unique, traceable, within both specs' limits."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

# SPEC14 allows 8-50 and SPEC18 8-64 characters of [a-zA-Z0-9-]: stay inside both.
REFERENCE_PATTERN = re.compile(r"^[a-zA-Z0-9-]{8,50}$")
_MAX_PREFIX = 50 - len("-yyyymmddhhmmss-") - 6


def new_reference(prefix: str = "epl", *, now: datetime | None = None) -> str:
    """Return e.g. "epl-20261125113600-a1b2c3": shop/MSN prefix, UTC timestamp, random suffix.

    The docs recommend a prefix per shop (or MSN), a per-attempt suffix, no purely numeric value and
    no leading zeros; the timestamp makes references sortable and easy to find in the portal.
    """
    clean = re.sub(r"[^a-zA-Z0-9-]", "", prefix)[:_MAX_PREFIX].strip("-") or "ref"
    if clean[0] == "0":
        clean = "r" + clean[: _MAX_PREFIX - 1]
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    return f"{clean}-{stamp}-{secrets.token_hex(3)}"


def is_valid_reference(reference: str) -> bool:
    """True when the reference satisfies both the 1.4.1 and the 1.8.1 spec pattern."""
    return bool(REFERENCE_PATTERN.match(reference))
