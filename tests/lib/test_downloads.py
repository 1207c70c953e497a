"""The download policy (what a browser download may hold, where bigger files go) and the export
command line, on a SQLite store filled through the Recorder."""

from __future__ import annotations

import csv
import io
import json
import shlex
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lib import downloads
from lib.downloads import (
    DownloadFit,
    download_fit,
    download_limit,
    exports_folder,
    scope_words,
    size_of,
    size_text,
    write_export,
    write_pack,
)
from lib.exchange import Exchange
from lib.export import export_command, main, parse_args, selection, selection_flags
from lib.recorder import (
    EXPORT_FORMATS,
    ExchangeFilter,
    PostgresStore,
    Recorder,
    RunFilter,
    open_store,
)

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def _exchange(i: int, **fields: object) -> Exchange:
    values: dict[str, object] = {
        "method": "GET",
        "url": f"https://apitest.vipps.no/epayment/v1/payments/ref-{i}",
        "operation": "get_payment",
        "status": 200,
        "step": "status",
        "reference": f"ref-{i}",
        "target": "test",
    }
    return Exchange(**{**values, **fields})  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "team" / "evidence.sqlite"


@pytest.fixture
def runs(db: Path) -> tuple[Recorder, Recorder]:
    """An earlier run by ada (2 refused captures), then bob's run (5 status reads)."""
    db.parent.mkdir()
    ada = Recorder.open(db, run_label="earlier", person="ada")
    for i in range(2):
        ada.record(_exchange(i, status=400, step="capture", operation="capture_payment"))
    bob = Recorder.open(db, run_label="now", person="bob")
    for i in range(5):
        bob.record(_exchange(10 + i))
    return ada, bob


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


# The policy --------------------------------------------------------------------------------


def test_download_limit__default_and_environment(monkeypatch) -> None:
    assert download_limit({}) == downloads.DOWNLOAD_LIMIT == 50_000
    assert download_limit({"EPAYMENT_LAB_DOWNLOAD_LIMIT": "1_000"}) == 1000
    assert download_limit({"EPAYMENT_LAB_DOWNLOAD_LIMIT": "0"}) == 0
    assert download_limit({"EPAYMENT_LAB_DOWNLOAD_LIMIT": "many"}) == 50_000  # said in the log
    monkeypatch.setattr(downloads, "DOWNLOAD_LIMIT", 3)
    assert download_limit({}) == 3


def test_download_fit__counts_the_selection(runs, monkeypatch) -> None:
    ada, bob = runs
    monkeypatch.setattr(downloads, "DOWNLOAD_LIMIT", 5)
    this_run = download_fit(bob.store, ExchangeFilter(run_ids=(bob.run_id,)))
    assert this_run == DownloadFit(count=5, limit=5) and this_run.in_browser
    everything = download_fit(bob.store, None)
    assert everything.count == 7 and not everything.in_browser
    assert "7 exchanges are more than a browser download may hold (5)" in everything.reason
    assert "Write them to a file on this machine" in everything.reason
    assert download_fit(bob.store, None, count=2).in_browser  # the page's known total


def test_exports_folder__beside_sqlite_else_under_the_working_directory(
    db, tmp_path, monkeypatch
) -> None:
    db.parent.mkdir()
    assert exports_folder(open_store(db)) == db.parent / "exports"
    monkeypatch.chdir(tmp_path)
    relative = open_store(Path("team") / "evidence.sqlite")
    assert exports_folder(relative) == tmp_path / "team" / "exports"  # absolute, to be shown
    assert exports_folder(open_store(":memory:"), cwd=tmp_path) == tmp_path / "evidence/exports"
    shared = object.__new__(PostgresStore)  # no server needed: only its type decides
    assert exports_folder(shared, cwd=tmp_path) == tmp_path / "evidence" / "exports"


def test_scope_words__name_the_selection() -> None:
    assert scope_words(None) == "all-runs" == scope_words(ExchangeFilter())
    assert scope_words(ExchangeFilter(run_ids=("20260101T1-ab",))) == "run-20260101T1-ab"
    assert scope_words(ExchangeFilter(run_ids=("a", "b"))) == "2-runs"
    narrowed = ExchangeFilter(steps=("capture",), who=RunFilter(persons=("ada",)))
    assert scope_words(narrowed) == "all-runs-filtered"
    assert scope_words(ExchangeFilter(run_ids=("../x y",))) == "run----x-y"  # never a path


def test_size_text_and_size_of(tmp_path) -> None:
    assert size_text(812) == "812 bytes"
    assert size_text(4_200_000) == "4.2 MB"
    assert size_text(1_900_000_000) == "1.9 GB"
    (file := tmp_path / "x.csv").write_bytes(b"x" * 1500)
    assert size_of(file) == "1.5 kB"
    file.unlink()
    assert size_of(file) == "no longer there"


def test_write_export__streams_the_selection_to_a_dated_file(runs, db) -> None:
    ada, _ = runs
    where = ExchangeFilter(run_ids=(ada.run_id,))
    path = write_export(ada.store, where, "csv", now=NOW)
    assert path == db.parent / "exports" / f"epayment-lab-log-run-{ada.run_id}-20260304-050607.csv"
    assert [r["operation"] for r in csv_rows(path)] == ["capture_payment"] * 2
    again = write_export(ada.store, where, "csv", now=NOW)  # same second: a new name
    assert again.name.endswith("-20260304-050607-2.csv") and path.exists()
    har = json.loads(write_export(ada.store, None, "har", now=NOW).read_text())
    assert len(har["log"]["entries"]) == 7


def test_write_export__a_failed_write_leaves_no_file(runs, db, monkeypatch) -> None:
    _, bob = runs

    def half_then_broken(data: object, path: Path) -> None:
        path.write_text("time,run\r\n")
        raise OSError("disk full")

    broken = replace(EXPORT_FORMATS["csv"], write=half_then_broken)
    monkeypatch.setitem(EXPORT_FORMATS, "csv", broken)
    with pytest.raises(OSError, match="disk full"):
        write_export(bob.store, None, "csv", now=NOW)
    assert not list((db.parent / "exports").glob("*.csv"))


def test_write_export__an_unknown_format_is_refused(runs) -> None:
    with pytest.raises(ValueError, match="choose one of csv, json, xlsx, har, curl"):
        write_export(runs[1].store, None, "pdf")


def test_write_pack__a_zip_with_the_report_and_the_log(runs, db) -> None:
    _, bob = runs
    path = write_pack(bob.store, ExchangeFilter(run_ids=(bob.run_id,)), now=NOW)
    assert path.parent == db.parent / "exports"
    assert path.name == f"evidence-pack-run-{bob.run_id}-20260304-050607.zip"
    with zipfile.ZipFile(path) as pack:
        assert {"report.html", "exchanges.csv"} <= set(pack.namelist())
        rows = list(csv.DictReader(io.StringIO(pack.read("exchanges.csv").decode())))
    assert len(rows) == 5


# The command line --------------------------------------------------------------------------


def test_the_flags_select_the_log_filters_again() -> None:
    where = ExchangeFilter(
        run_ids=("r1", "r2"),
        steps=("capture",),
        status_classes=("4xx", "no response"),
        reference="ref-1",
        reference_contains="ref",
        who=RunFilter(persons=("ada",), hosts=("h",), targets=("test",), msns=("123456",)),
    )
    assert selection(parse_args(["--format", "csv", *selection_flags(where)])) == where
    assert selection(parse_args(["--format", "csv"])) == ExchangeFilter()


def test_export_command__quotes_and_hides_a_password(db, tmp_path) -> None:
    store = open_store(db)
    command = export_command(store, ExchangeFilter(reference_contains="a b"), "csv", tmp_path)
    words = shlex.split(command)
    assert words[:3] == [".venv/bin/python", "-m", "lib.export"]
    assert words[words.index("--db") + 1] == str(db)
    assert words[words.index("--reference-contains") + 1] == "a b"
    shared = object.__new__(PostgresStore)
    shared.url = "postgresql://lab:s3cret@db.internal:5432/lab"
    command = export_command(shared, None, "har", tmp_path / "x.har")
    assert "s3cret" not in command and "postgresql://lab:***@db.internal:5432/lab" in command


def test_main__writes_the_file_and_says_how_many(runs, db, tmp_path, capsys) -> None:
    ada, _ = runs
    out = tmp_path / "ada.csv"
    code = main(["--db", str(db), "--format", "csv", "--out", str(out), "--run", ada.run_id])
    assert code == 0
    assert len(csv_rows(out)) == 2
    assert "Wrote 2 exchanges (CSV, " in (said := capsys.readouterr().out)
    assert str(out) in said


def test_main__a_folder_gets_a_dated_file_and_filters_apply(runs, db, tmp_path, capsys) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    code = main(["--db", str(db), "--format", "json", "--out", str(folder), "--person", "bob"])
    assert code == 0
    (written,) = folder.glob("epayment-lab-log-all-runs-filtered-*.json")
    assert {r["reference"] for r in json.loads(written.read_text())} == {
        f"ref-{i}" for i in range(10, 15)
    }


def test_main__without_out_writes_beside_the_store(runs, db, monkeypatch) -> None:
    monkeypatch.setenv("EPAYMENT_LAB_DB", str(db))  # --db's default, as for the dashboard
    assert main(["--format", "xlsx"]) == 0
    assert len(list((db.parent / "exports").glob("epayment-lab-log-all-runs-*.xlsx"))) == 1


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--format", "pdf"], "Unknown format 'pdf': choose one of csv, json, xlsx, har, curl"),
        (["--format", "csv", "--run", "no-such-run"], "No run no-such-run in"),
    ],
)
def test_main__setup_errors_exit_2(runs, db, tmp_path, capsys, argv, said) -> None:
    out = tmp_path / "never.csv"
    assert main(["--db", str(db), "--out", str(out), *argv]) == 2
    error = capsys.readouterr().err
    assert said in error
    assert not out.exists()


def test_main__an_unknown_run_lists_the_newest(runs, db, capsys) -> None:
    _, bob = runs
    assert main(["--db", str(db), "--format", "csv", "--run", "nope"]) == 2
    assert f"{bob.run_id} (now)" in capsys.readouterr().err


def test_main__no_store_exit_2_and_creates_none(tmp_path, capsys) -> None:
    missing = tmp_path / "missing.sqlite"
    assert main(["--db", str(missing), "--format", "csv"]) == 2
    assert "No evidence store at" in capsys.readouterr().err
    assert not missing.exists()


def test_main__as_a_module_in_a_subprocess(runs, db, tmp_path) -> None:
    out = tmp_path / "log.sh"
    command = [sys.executable, "-m", "lib.export", "--db", str(db), "--format", "curl"]
    done = subprocess.run(
        [*command, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text().count("curl ") == 7
    bad = subprocess.run(
        [sys.executable, "-m", "lib.export", "--db", str(db), "--format", "docx"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "Unknown format 'docx'" in bad.stderr
