"""Where the QA CLI keeps its evidence: --db, else EPAYMENT_LAB_DB (a team's store), else OUT."""

from __future__ import annotations

import io
from pathlib import Path

from lib.qa import cli
from lib.recorder import open_store
from lib.recorder.location import evidence_location, shown


def test_evidence_location__db_then_environment_then_out(tmp_path: Path) -> None:
    default = tmp_path / "evidence.sqlite"
    env = {"EPAYMENT_LAB_DB": "postgresql://qa:pw@db:5432/lab"}
    assert evidence_location("given.sqlite", default, env) == "given.sqlite"
    assert evidence_location(None, default, env) == env["EPAYMENT_LAB_DB"]
    assert evidence_location(None, default, {}) == str(default)


def test_shown__hides_a_urls_password() -> None:
    assert shown("postgresql://qa:s3cret@db:5432/lab") == "postgresql://qa:***@db:5432/lab"
    assert shown("/tmp/evidence.sqlite") == "/tmp/evidence.sqlite"


def test_cli__records_into_the_store_named_by_the_environment(tmp_path: Path, monkeypatch) -> None:
    shared = tmp_path / "team" / "shared.sqlite"
    monkeypatch.setenv("EPAYMENT_LAB_DB", str(shared))
    out = io.StringIO()
    code = cli.main(["--out", str(tmp_path / "out"), "--scenario", "full_capture_refund",
                     "--no-pack"], out=out)  # fmt: skip
    assert code == 0, out.getvalue()
    assert f"Evidence log: {shared}" in out.getvalue()
    assert not (tmp_path / "out" / "evidence.sqlite").exists()
    store = open_store(shared)
    try:
        assert [r.label for r in store.runs()][-1].startswith("QA simulator")
        assert any(e.operation == "capture_payment" for e in store.iter_exchanges())
    finally:
        store.close()
