"""The evidence pack: one zip with the report (HTML, PDF) and the log as CSV, Excel, JSON, HAR."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from lib.checklist import evaluate, evaluate_store
from lib.recorder import ExchangeFilter, Store, write_csv, write_har, write_json, write_xlsx
from lib.recorder.sources import Exportable, Selection
from lib.report.facts import ReportInfo, printed_of
from lib.report.html import render_report
from lib.report.pdf import render_pdf

# Manual checklist comments are run notes named "checklist:<item id>" (Recorder.set_run_meta).
COMMENT_PREFIX = "checklist:"
CHUNK_BYTES = 1 << 20
LOG_FILES = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json, "har": write_har}


def comments_from_meta(meta: Mapping[str, str]) -> dict[str, str]:
    return {k[len(COMMENT_PREFIX) :]: v for k, v in meta.items() if k.startswith(COMMENT_PREFIX)}


def _from_source(
    source: Any, where: ExchangeFilter | None
) -> tuple[Store | None, ExchangeFilter | None, dict[str, str], str | None]:
    """The store and filter (a Recorder: its current run unless `where` says otherwise; a Store:
    `where`, None = every run), manual comments and run label; no store for plain exchanges."""
    if hasattr(source, "store") and hasattr(source, "run_meta"):
        label = next((r.label for r in source.runs() if r.id == source.run_id), None)
        scope = where or ExchangeFilter(run_ids=(source.run_id,))
        return source.store, scope, comments_from_meta(source.run_meta()), label
    if isinstance(source, Store):
        return source, where, {}, None
    return None, None, {}, None


def evidence_pack_bytes(
    source: Any,
    *,
    where: ExchangeFilter | None = None,
    info: ReportInfo | None = None,
    manual_comments: Mapping[str, str] | None = None,
    qa_steps: Sequence[Any] = (),
    now: datetime | None = None,
) -> bytes:
    """The evidence pack as zip bytes, for small logs (a download button); a big one belongs
    in a file: `write_evidence_pack`.

    `source` is a Recorder (its current run, or `where`; comments from the run's notes), a
    Store (`where`, or every run), or exchanges. From a store the checklist is answered by the
    database, the report asks it a few bounded questions, and the log files are streamed into
    the zip a chunk at a time.
    """
    buffer = io.BytesIO()
    _write_pack(buffer, source, where, info, manual_comments, qa_steps, now or datetime.now(UTC))
    return buffer.getvalue()


def pack_name(now: datetime) -> str:
    return f"evidence-pack-{now:%Y%m%d-%H%M%S}.zip"


def write_evidence_pack(
    source: Any,
    path: str | Path,
    *,
    where: ExchangeFilter | None = None,
    info: ReportInfo | None = None,
    manual_comments: Mapping[str, str] | None = None,
    qa_steps: Sequence[Any] = (),
    now: datetime | None = None,
) -> Path:
    """Write the zip to `path` (a directory gets a dated file name) and return its path.

    The zip is written straight into the file, each log file streamed into its entry: memory
    stays flat however long the log. It appears under its name only once complete."""
    now = now or datetime.now(UTC)
    target = Path(path)
    if target.is_dir() or not target.suffix:
        target = target / pack_name(now)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        _write_pack(partial, source, where, info, manual_comments, qa_steps, now)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _write_pack(
    out: Path | BinaryIO,
    source: Any,
    where: ExchangeFilter | None,
    info: ReportInfo | None,
    manual_comments: Mapping[str, str] | None,
    qa_steps: Sequence[Any],
    now: datetime,
) -> None:
    store, scope, comments, label = _from_source(source, where)
    comments.update(manual_comments or {})
    info = info or ReportInfo()
    info = ReportInfo(info.title, info.merchant_serial_number, info.target,
                      info.label or label, info.generated_at or now)  # fmt: skip
    log: Exportable
    if store is not None:
        log = Selection(store, scope)
        result = evaluate_store(store, now=now, where=scope, manual_comments=comments)
    else:
        log = list(source)
        result = evaluate(log, now=now, manual_comments=comments)
    view = printed_of(log, now=now, checklist=result)  # bounded: never every exchange
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("report.html", render_report(view, info=info, qa_steps=qa_steps))
        # The PDF is the one to attach to the checklist e-mail; the HTML links to the examples.
        zf.writestr("report.pdf", render_pdf(view, info=info))
        for ext, write in LOG_FILES.items():
            _stream(zf, f"exchanges.{ext}", write, log)
        zf.writestr("checklist.json", json.dumps(result.rows(), indent=1, ensure_ascii=False))
        if qa_steps:
            zf.writestr("qa-results.json", json.dumps(_qa_rows(qa_steps), indent=1))


def _stream(zf: zipfile.ZipFile, name: str, write: Any, log: Exportable) -> None:
    """One log file streamed into its zip entry, a chunk at a time. The workbook is a zip of
    its own: written to a temporary file first (on disk), it keeps the bytes a standalone
    Excel export has (sizes in its headers, which a zip writer can only fix by seeking)."""
    if write is write_xlsx:
        with tempfile.TemporaryFile() as scratch:
            write(log, scratch)
            scratch.seek(0)
            with zf.open(name, "w", force_zip64=True) as entry:
                shutil.copyfileobj(scratch, entry, CHUNK_BYTES)
        return
    with zf.open(name, "w", force_zip64=True) as entry:
        write(log, entry)


def _qa_rows(steps: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {
            "scenario": s.scenario,
            "step": s.step,
            "outcome": str(s.outcome),
            "message": s.message,
            "exchange_ids": [x.id for x in s.exchanges if x.id is not None],
        }
        for s in steps
    ]
