"""What a browser download may hold; where bigger evidence is written on the dashboard's machine.

Streamlit keeps every download's bytes whole in the dashboard process, so a download of "All
runs" in a team store could hold gigabytes. Above `DOWNLOAD_LIMIT` exchanges the dashboard writes
the export (or the evidence pack) to a file instead, streamed a chunk at a time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lib.recorder import EXPORT_FORMATS, ExchangeFilter, ExportFormat, SqliteStore, Store
from lib.recorder.sources import Selection
from lib.report import ReportInfo, write_evidence_pack

DOWNLOAD_LIMIT = 50_000  # exchanges: a CSV of these is ~100 MB held in the dashboard's memory
ENV_LIMIT = "EPAYMENT_LAB_DOWNLOAD_LIMIT"
EXPORTS = "exports"
# A shared PostgreSQL store has no folder of its own: its exports go where the default SQLite
# store would live (evidence/ under the working directory, which .gitignore leaves out).
SHARED_STORE_EXPORTS = Path("evidence") / EXPORTS

log = logging.getLogger(__name__)


def download_limit(env: Mapping[str, str] = os.environ) -> int:
    """`EPAYMENT_LAB_DOWNLOAD_LIMIT` when it is a whole number >= 0, else DOWNLOAD_LIMIT."""
    text = env.get(ENV_LIMIT, "").strip().replace("_", "")
    if not text:
        return DOWNLOAD_LIMIT
    if text.isdigit():
        return int(text)
    log.warning("%s=%r is not a whole number; using %d.", ENV_LIMIT, text, DOWNLOAD_LIMIT)
    return DOWNLOAD_LIMIT


@dataclass(frozen=True)
class DownloadFit:
    """How many exchanges a selection holds against the limit of a browser download."""

    count: int
    limit: int

    @property
    def in_browser(self) -> bool:
        return self.count <= self.limit

    @property
    def reason(self) -> str:
        """Why the browser download is not offered, and what to do instead."""
        return (
            f"{self.count:,} exchanges are more than a browser download may hold "
            f"({self.limit:,}): the dashboard would keep the whole file in its memory. Write "
            "them to a file on this machine instead, or narrow the filters."
        )

    @property
    def pack_reason(self) -> str:
        """Why the evidence pack is written to a file instead of offered for download."""
        return (
            f"The evidence pack of {self.count:,} exchanges is more than a browser download may "
            f"hold ({self.limit:,} exchanges), so preparing it writes it to a file on this "
            "machine instead."
        )


def download_fit(
    store: Store, where: ExchangeFilter | None, *, count: int | None = None
) -> DownloadFit:
    """Whether the selection fits a browser download (`count`: when the page already knows it,
    else one indexed count query)."""
    known = store.count(where) if count is None else count
    return DownloadFit(known, download_limit())


def exports_folder(store: Store, cwd: Path | None = None) -> Path:
    """`exports/` beside a SQLite store's file; for a PostgreSQL (or in-memory) store,
    `evidence/exports/` under the working directory. Absolute, so the page can show it."""
    base = cwd or Path.cwd()
    if not isinstance(store, SqliteStore) or str(store.path) == ":memory:":
        return (base / SHARED_STORE_EXPORTS).resolve()
    return (base / store.path.parent / EXPORTS).resolve()


def scope_words(where: ExchangeFilter | None) -> str:
    """The selection in a file name: "all-runs", "run-20250101T120000-1a2b3c4d", "3-runs",
    with "-filtered" when steps, statuses, references or who narrow it further."""
    runs = None if where is None else where.run_ids
    if runs is None:
        words = "all-runs"
    elif len(runs) == 1:
        words = f"run-{runs[0]}"
    else:
        words = f"{len(runs)}-runs"
    if where is not None and replace(where, run_ids=None) != ExchangeFilter():
        words += "-filtered"
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in words)


def new_file(folder: Path, stem: str, suffix: str) -> Path:
    """A file that did not exist, created empty now (so two writers never share a name)."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = folder / f"{stem}{'' if n == 1 else f'-{n}'}.{suffix}"
        try:
            path.touch(exist_ok=False)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"No free file name for {stem}.{suffix} in {folder}")


def export_name(fmt: str, where: ExchangeFilter | None, now: datetime) -> tuple[str, str]:
    """(stem, extension), e.g. ("epayment-lab-log-all-runs-20250101-120000", "csv")."""
    return f"epayment-lab-log-{scope_words(where)}-{now:%Y%m%d-%H%M%S}", _format(fmt).extension


def write_export(
    store: Store,
    where: ExchangeFilter | None,
    fmt: str,
    path: Path | None = None,
    *,
    now: datetime | None = None,
) -> Path:
    """Stream one export (csv, json, xlsx, har, curl) to `path` (default: a new dated file in
    `exports_folder(store)`) and return the path. A failed write leaves no half file behind."""
    spec = _format(fmt)
    if path is None:
        stem, suffix = export_name(fmt, where, now or datetime.now(UTC))
        path = new_file(exports_folder(store), stem, suffix)
    with _removed_on_failure(path):
        spec.write(Selection(store, where), path)
    return path


def write_pack(
    store: Store,
    where: ExchangeFilter | None,
    *,
    info: ReportInfo | None = None,
    manual_comments: Mapping[str, str] | None = None,
    qa_steps: Sequence[Any] = (),
    now: datetime | None = None,
) -> Path:
    """Write the evidence pack zip to a new dated file in `exports_folder(store)`."""
    now = now or datetime.now(UTC)
    stem = f"evidence-pack-{scope_words(where)}-{now:%Y%m%d-%H%M%S}"
    path = new_file(exports_folder(store), stem, "zip")
    with _removed_on_failure(path):
        return write_evidence_pack(
            store,
            path,
            where=where,
            info=info,
            manual_comments=manual_comments,
            qa_steps=qa_steps,
            now=now,
        )


def size_text(size: int) -> str:
    """Bytes for a person: "812 bytes", "4.2 MB", "1.9 GB"."""
    if size < 1000:
        return f"{size} bytes"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            break
    return f"{value:.1f} {unit}"


def size_of(path: Path) -> str:
    """The file's size for a person, or "no longer there" once someone moved it away."""
    try:
        return size_text(path.stat().st_size)
    except FileNotFoundError:
        return "no longer there"


def _format(fmt: str) -> ExportFormat:
    if fmt not in EXPORT_FORMATS:
        choices = ", ".join(EXPORT_FORMATS)
        raise ValueError(f"Unknown export format {fmt!r}; choose one of {choices}.")
    return EXPORT_FORMATS[fmt]


@contextmanager
def _removed_on_failure(path: Path) -> Iterator[Path]:
    """Deletes `path` when the block fails: a half-written file must never pass for evidence."""
    try:
        yield path
    except BaseException:
        path.unlink(missing_ok=True)
        raise
