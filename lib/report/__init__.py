"""The evidence report (self-contained HTML) and the evidence pack (zip with the log exports)."""

from lib.report.facts import ReportInfo
from lib.report.html import render_report
from lib.report.pack import (
    COMMENT_PREFIX,
    comments_from_meta,
    evidence_pack_bytes,
    pack_name,
    write_evidence_pack,
)

__all__ = [
    "COMMENT_PREFIX",
    "ReportInfo",
    "comments_from_meta",
    "evidence_pack_bytes",
    "pack_name",
    "render_report",
    "write_evidence_pack",
]
