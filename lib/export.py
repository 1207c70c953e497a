"""`python -m lib.export`: the evidence log (or a part of it) to a CSV, JSON, Excel, HAR or curl
file, streamed from the store a chunk at a time (for logs too big for a browser download)."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from lib.downloads import export_name, new_file, size_text, write_export
from lib.recorder import (
    DEFAULT_PATH,
    EXPORT_FORMATS,
    STATUS_CLASSES,
    ExchangeFilter,
    PostgresStore,
    RunFilter,
    SqliteStore,
    Store,
    open_store,
)
from lib.recorder.location import evidence_location, shown

EXIT_FAILED, EXIT_SETUP = 1, 2
PROGRAM = ".venv/bin/python -m lib.export"
# The log page's who-and-where filters (the run's), as flags: flag -> RunFilter field.
WHO_FLAGS = {"person": "persons", "host": "hosts", "target": "targets", "msn": "msns"}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m lib.export",
        description="Export the evidence log to a file, a chunk at a time (any size).",
        epilog="Exit 0: written; 1: the file could not be written; 2: a bad format, an unknown "
        "run or no evidence store.",
    )
    add = parser.add_argument
    add("--db", help="evidence store: a SQLite path or postgresql:// URL "
        f"(default: EPAYMENT_LAB_DB, else {DEFAULT_PATH})")  # fmt: skip
    add("--format", required=True, help=f"one of {', '.join(EXPORT_FORMATS)}")
    add("--out", type=Path, help="the file to write, or a folder (no extension) for a dated file "
        "(default: a dated file in exports/ beside a SQLite store, evidence/exports/ for "
        "PostgreSQL)")  # fmt: skip
    add("--run", action="append", default=[], help="only this run's exchanges (repeatable)")
    add("--reference", help="only this payment reference (exact)")
    add("--reference-contains", default="", help="only references containing this text")
    add("--step", action="append", default=[], help="only this step (repeatable)")
    add("--status", action="append", default=[], choices=STATUS_CLASSES,
        help="only this status class (repeatable)")  # fmt: skip
    for flag in WHO_FLAGS:
        noun = "MSN" if flag == "msn" else flag
        add(f"--{flag}", action="append", default=[], help=f"only runs of this {noun} (repeatable)")
    return parser.parse_args(argv)


def selection(args: argparse.Namespace) -> ExchangeFilter:
    """The exchanges the flags name (no flag: every exchange of every run)."""
    return ExchangeFilter(
        run_ids=tuple(args.run) or None,
        steps=tuple(args.step),
        status_classes=tuple(args.status),
        reference=args.reference,
        reference_contains=args.reference_contains,
        who=RunFilter(
            persons=tuple(args.person),
            hosts=tuple(args.host),
            targets=tuple(args.target),
            msns=tuple(args.msn),
        ),
    )


def selection_flags(where: ExchangeFilter | None) -> list[str]:
    """The flags that select `where` again (the inverse of `selection`, for the log's filters)."""
    if where is None:
        return []
    flags = [arg for run in where.run_ids or () for arg in ("--run", run)]
    flags += [arg for step in where.steps for arg in ("--step", step)]
    flags += [arg for status in where.status_classes for arg in ("--status", status)]
    if where.reference is not None:
        flags += ["--reference", where.reference]
    if where.reference_contains:
        flags += ["--reference-contains", where.reference_contains]
    for flag, field in WHO_FLAGS.items():
        flags += [arg for value in getattr(where.who, field) for arg in (f"--{flag}", value)]
    return flags


def store_location(store: Store) -> str | None:
    """The store as `--db` names it: a SQLite file's absolute path, or the URL without its
    password (shown as ***); None for an in-memory store."""
    if isinstance(store, PostgresStore):
        return shown(store.url)
    if isinstance(store, SqliteStore) and str(store.path) != ":memory:":
        return str(store.path.resolve())
    return None


def export_command(store: Store, where: ExchangeFilter | None, fmt: str, out: Path) -> str:
    """The terminal command that writes the same export to `out` (run it in the lab's folder)."""
    location = store_location(store)
    db = ["--db", location] if location else []
    words = [*db, "--format", fmt, "--out", str(out), *selection_flags(where)]
    return " ".join([PROGRAM, *map(shlex.quote, words)])


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Exit 0 when written; 1 when the file could not be written; 2 when it could not start."""
    args = parse_args(argv)
    if args.format not in EXPORT_FORMATS:
        return _setup_error(f"Unknown format {args.format!r}: choose one of "
                            f"{', '.join(EXPORT_FORMATS)}.")  # fmt: skip
    location = evidence_location(args.db, Path(DEFAULT_PATH))
    if "://" not in location and not Path(location).is_file():
        return _setup_error(f"No evidence store at {location}: give --db PATH or "
                            "postgresql://..., or set EPAYMENT_LAB_DB.")  # fmt: skip
    try:
        store = open_store(location)
    except (SQLAlchemyError, ValueError) as error:
        first_line = (str(error).splitlines() or [type(error).__name__])[0]
        return _setup_error(f"Cannot open the evidence store {shown(location)}: "
                            f"{shown(first_line)}")  # fmt: skip
    try:
        return _export(store, args, location, out or sys.stdout)
    finally:
        store.close()


def _export(store: Store, args: argparse.Namespace, location: str, out: TextIO) -> int:
    unknown = [run for run in args.run if store.run(run) is None]
    if unknown:
        newest = ", ".join(f"{r.id} ({r.label})" for r in store.runs(newest=3)) or "none yet"
        return _setup_error(f"No run {', '.join(unknown)} in {shown(location)}. "
                            f"The newest runs: {newest}.")  # fmt: skip
    where = selection(args)
    count = store.count(where)  # counted as the export starts; a team store may grow meanwhile
    try:
        path = write_export(store, where, args.format, _target(args.out, args.format, where))
    except OSError as error:
        print(f"Could not write the export: {error}", file=sys.stderr)
        return EXIT_FAILED
    label = EXPORT_FORMATS[args.format].label
    print(f"Wrote {count:,} exchanges ({label}, {size_text(path.stat().st_size)}) from "
          f"{shown(location)} to {path}", file=out)  # fmt: skip
    return 0


def _target(out: Path | None, fmt: str, where: ExchangeFilter) -> Path | None:
    """`--out` as a file; a folder gets a new dated file; None: write_export's default folder."""
    if out is None or not (out.is_dir() or not out.suffix):
        return out
    return new_file(out, *export_name(fmt, where, datetime.now(UTC)))


def _setup_error(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_SETUP


if __name__ == "__main__":
    sys.exit(main())
