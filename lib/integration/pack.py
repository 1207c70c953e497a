"""An integration session's evidence pack: the lab's pack of its exchanges plus findings.json."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime

from lib.exchange import Exchange
from lib.integration.findings import Finding
from lib.report import ReportInfo, evidence_pack_bytes, pack_name


def integration_pack(
    exchanges: Sequence[Exchange],
    findings: Sequence[Finding],
    *,
    target: str,
    now: datetime | None = None,
) -> tuple[str, bytes]:
    """(file name, zip bytes): report, exports and checklist as `python -m lib.integration`
    writes them, with the findings in the same zip."""
    now = now or datetime.now(UTC)
    info = ReportInfo(
        title="Your integration under test",
        target=target,
        label=f"integration ({target})",
        generated_at=now,
    )
    buffer = io.BytesIO(evidence_pack_bytes(list(exchanges), info=info, now=now))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("findings.json", json.dumps([f.to_json() for f in findings], indent=1))
    return pack_name(now), buffer.getvalue()
