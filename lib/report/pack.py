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
from typing import Any

from lib.checklist import ChecklistResult, evaluate, evaluate_store
from lib.exchange import Exchange
from lib.recorder import ExchangeFilter, Store, write_csv, write_har, write_json, write_xlsx
from lib.recorder.sources import Exportable, Selection
from lib.report.facts import ReportInfo
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
    """The evidence pack as zip bytes.

    `source` is a Recorder (its current run, or `where`; comments from the run's notes), a
    Store (`where`, or every run), or exchanges. From a store the checklist is answered by the
    database and the log files are streamed into the zip a chunk at a time.
    """
    store, scope, comments, label = _from_source(source, where)
    comments.update(manual_comments or {})
    now = now or datetime.now(UTC)
    info = info or ReportInfo()
    info = ReportInfo(info.title, info.merchant_serial_number, info.target,
                      info.label or label, info.generated_at or now)  # fmt: skip
    log: Exportable
    result: ChecklistResult
    if store is not None:
        log = Selection(store, scope)
        result = evaluate_store(store, now=now, where=scope, manual_comments=comments)
        exchanges: list[Exchange] = list(store.iter_exchanges(scope))  # the report's timelines
    else:
        exchanges = log = list(source)
        result = evaluate(exchanges, now=now, manual_comments=comments)
    html = render_report(exchanges, info=info, checklist=result, qa_steps=qa_steps)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("report.html", html)
        # The PDF is the one to attach to the checklist e-mail; the HTML links to the examples.
        zf.writestr("report.pdf", render_pdf(exchanges, info=info, checklist=result))
        for ext, write in LOG_FILES.items():
            _stream(zf, f"exchanges.{ext}", write, log)
        zf.writestr("checklist.json", json.dumps(result.rows(), indent=1, ensure_ascii=False))
        if qa_steps:
            zf.writestr("qa-results.json", json.dumps(_qa_rows(qa_steps), indent=1))
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
    """Write the zip to `path` (a directory gets a dated file name) and return its path."""
    now = now or datetime.now(UTC)
    data = evidence_pack_bytes(
        source, where=where, info=info, manual_comments=manual_comments, qa_steps=qa_steps, now=now
    )
    target = Path(path)
    if target.is_dir() or not target.suffix:
        target = target / pack_name(now)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def _stream(zf: zipfile.ZipFile, name: str, write: Any, log: Exportable) -> None:
    """One log file written through a temporary file (an export may seek) into the zip."""
    with tempfile.TemporaryFile() as scratch:
        write(log, scratch)
        scratch.seek(0)
        with zf.open(name, "w", force_zip64=True) as entry:
            shutil.copyfileobj(scratch, entry, CHUNK_BYTES)


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
