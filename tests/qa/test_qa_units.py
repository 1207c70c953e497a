"""Every sales unit in one run: --msn on the simulator's NOK, DKK and EUR units, or a units file
whose secrets come from the environment or secrets.toml; one pack with the unit matrix."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from lib.qa import cli
from lib.qa.units import UnitsError, read_units_file, resolve
from lib.recorder import Recorder

UNITS_FILE = """\
[[units]]
msn = "200001"
name = "Webshop Norway"
currency = "NOK"
client_id = "unit-one-client"

[[units]]
msn = "200002"
name = "Webshop Finland"
currency = "EUR"
"""
SECRETS = {
    "EPAYMENT_LAB_CLIENT_SECRET_200001": "first-units-secret-value",
    "EPAYMENT_LAB_SUBSCRIPTION_KEY_200001": "first-units-subscription-key",
    "EPAYMENT_LAB_CLIENT_ID_200002": "unit-two-client",
    "EPAYMENT_LAB_CLIENT_SECRET_200002": "second-units-secret-value",
    "EPAYMENT_LAB_SUBSCRIPTION_KEY_200002": "second-units-subscription-key",
}


def run_cli(*argv: str) -> tuple[int, str]:
    printed = io.StringIO()
    return cli.main(list(argv), out=printed), printed.getvalue()


def the_pack(out: Path) -> zipfile.ZipFile:
    (path,) = out.glob("evidence-pack-*.zip")
    return zipfile.ZipFile(path)


@pytest.fixture(scope="module")
def three_markets(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    out = tmp_path_factory.mktemp("three")
    code, printed = run_cli("--out", str(out), "--msn", "123456", "--msn", "123457",
                            "--msn", "123458")  # fmt: skip
    return code, printed, out


def test_three_markets_in_one_run(three_markets: tuple[int, str, Path]) -> None:
    code, printed, _ = three_markets
    assert code == 0, printed
    for label in ("123456 ePayment Lab Demo Shop (NOK)", "123457 ePayment Lab Shop 2 (DKK)",
                  "123458 ePayment Lab Shop 3 (EUR)"):  # fmt: skip
        assert f"■ Sales unit {label}" in printed
        assert f"Scenarios on {label}: 16 passed, 0 failed, 0 manual" in printed


def test_each_unit_pays_in_its_own_market(three_markets: tuple[int, str, Path]) -> None:
    _, _, out = three_markets
    with Recorder.open(out / "evidence.sqlite", run_label="read") as recorder:
        creates = recorder.exchanges("all", operation="create_payment")
    markets = {
        e.request_headers["Merchant-Serial-Number"]: json.loads(e.request_body or "{}")
        for e in creates
        if e.status == 201
    }
    currencies = {msn: body["amount"]["currency"] for msn, body in markets.items()}
    assert currencies == {"123456": "NOK", "123457": "DKK", "123458": "EUR"}


def test_the_pack_has_the_unit_matrix_and_a_checklist_per_unit(
    three_markets: tuple[int, str, Path],
) -> None:
    _, _, out = three_markets
    pack = the_pack(out)
    rows = list(csv.DictReader(io.StringIO(pack.read("units.csv").decode())))
    assert [(r["msn"], r["currency"]) for r in rows] == [
        ("123456", "NOK"), ("123457", "DKK"), ("123458", "EUR"),
    ]  # fmt: skip
    assert all(r["full_capture_refund"] == r["user_flow_qr"] == "passed" for r in rows)
    assert len(rows[0]) == 3 + 16 + 2  # unit, a column per scenario, checklist, not proven
    for msn in ("123456", "123457", "123458"):
        items = {r["id"]: r for r in json.loads(pack.read(f"checklist-{msn}.json"))}
        assert items["Q1"]["status"] == "rehearsed"  # each unit's own webhooks and polls
        assert all(ref.startswith(f"qa-{msn}-") for ref in items["E5"]["references"])
    html = pack.read("units.html").decode()
    assert "<h2 id='unit-123457'>Checklist of 123457 ePayment Lab Shop 2 (DKK)</h2>" in html
    assert "not evidence for Vipps" in html


def test_a_units_file_with_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "units.toml").write_text(UNITS_FILE)
    out = tmp_path / "out"
    code, printed = run_cli("--out", str(out), "--units", str(tmp_path / "units.toml"),
                            "--scenario", "full_capture_refund")  # fmt: skip
    assert code == 0, printed
    assert "Scenarios on 200001 Webshop Norway (NOK): 1 passed" in printed
    assert "Scenarios on 200002 Webshop Finland (EUR): 1 passed" in printed
    pack = the_pack(out)
    for name in pack.namelist():
        text = pack.read(name).decode("utf-8", errors="ignore")
        assert not [v for v in SECRETS.values() if "secret" in v and v in text], name
        assert "subscription-key" not in text, name


def test_a_secret_in_the_units_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "units.toml").write_text(UNITS_FILE + 'client_secret = "oops"\n')
    with pytest.raises(UnitsError, match="unit 2: keep client_secret out of the units file"):
        read_units_file(tmp_path / "units.toml")
    code = cli.main(["--out", str(tmp_path), "--units", str(tmp_path / "units.toml")])
    assert code == cli.EXIT_SETUP


def test_missing_keys_name_where_to_put_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "units.toml").write_text(UNITS_FILE)
    code = cli.main(["--out", str(tmp_path), "--units", str(tmp_path / "units.toml"),
                     "--secrets", str(tmp_path / "none.toml")])  # fmt: skip
    assert code == cli.EXIT_SETUP
    error = capsys.readouterr().err
    assert "MSN 200001: no client_secret, subscription_key" in error
    assert 'secrets.toml [epayment.units."200002"] or EPAYMENT_LAB_CLIENT_ID_200002' in error


def test_keys_from_secrets_toml_per_unit_and_from_the_main_table() -> None:
    secrets = {
        "epayment": {
            "merchant_serial_number": "300001",
            "client_id": "main-id", "client_secret": "main-secret", "subscription_key": "main-key",
            "units": {"300002": {"client_id": "id-2", "client_secret": "s-2",
                                 "subscription_key": "k-2", "currency": "DKK"}},
        }
    }  # fmt: skip
    env = {"EPAYMENT_LAB_CLIENT_SECRET_300002": "from-env-loses-to-secrets-toml"}
    first, second = resolve([{"msn": "300001"}, {"msn": "300002"}], secrets, env)
    assert (first.client_id, first.client_secret, first.currency) == (
        "main-id",
        "main-secret",
        "NOK",
    )
    assert (second.client_secret, second.subscription_key, second.currency) == ("s-2", "k-2", "DKK")
    assert "s-2" not in repr(second) and "k-2" not in repr(second)


def test_an_msn_the_simulator_does_not_serve_is_a_setup_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--out", str(tmp_path), "--msn", "999"]) == cli.EXIT_SETUP
    assert "the simulator's sales units are MSN 123456-123555; not 999" in capsys.readouterr().err


def test_the_test_environment_gets_a_run_per_unit_with_its_own_keys(tmp_path: Path) -> None:
    from lib.qa.batch import test_batch

    guid = "00000000-0000-0000-0000-00000000000{}"
    secrets = {"epayment": {"system_name": "acme", "units": {
        msn: {"client_id": guid.format(i), "client_secret": f"s-{i}", "subscription_key": f"k-{i}"}
        for i, msn in enumerate(("400001", "400002"))
    }}}  # fmt: skip
    wanted = [{"msn": "400001", "currency": "NOK"}, {"msn": "400002", "currency": "DKK"}]
    with Recorder.open(tmp_path / "t.sqlite") as recorder:
        batch = test_batch(recorder, "4712345678", secrets, {}, wanted)
    assert batch.target == "test" and batch.watch is None  # no receiver the test env can reach
    settings = [r.run.settings for r in batch.runs]
    assert [(s.merchant_serial_number, s.client_secret) for s in settings] == [
        ("400001", "s-0"), ("400002", "s-1"),
    ]  # fmt: skip
    assert {s.base_url for s in settings} == {"https://apitest.vipps.no"}
    assert {s.system_name for s in settings} == {"acme"}  # the [epayment] table's names kept
    assert [r.run.context.currency for r in batch.runs] == ["NOK", "DKK"]
