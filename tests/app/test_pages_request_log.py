"""The request log page: a page of rows from the store, filters, paging, one exchange opened,
downloads of exactly the filtered rows, and a file on this machine when too big to download."""

from __future__ import annotations

import csv
import io
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from lib import downloads
from lib.exchange import Exchange
from lib.export import main as export_main
from lib.recorder import Recorder
from tests.app.helpers import texts, unexpected

LOG = "pages/09_request_log.py"


def _exchange(i: int, **fields: object) -> Exchange:
    values: dict[str, object] = {
        "method": "GET",
        "url": f"https://example.test/epayment/v1/payments/ref-{i:02d}",
        "operation": "get_payment",
        "status": 200,
        "step": "status",
        "reference": f"ref-{i:02d}",
        "request_headers": {"Merchant-Serial-Number": "222"},
        "response_body": f'{{"marker": "body-{i:02d}"}}',
    }
    return Exchange(**{**values, **fields})  # type: ignore[arg-type]


@pytest.fixture
def log(tmp_path: Path) -> Recorder:
    """An older run by ada on the test environment (3 refused captures), then this run by bob
    on the simulator: 60 status reads and one create."""
    path = tmp_path / "log.sqlite"
    ada = Recorder.open(path, run_label="earlier", person="ada")
    for i in range(3):
        ada.record(
            _exchange(i, target="test", status=400, step="capture", operation="capture_payment",
                      reference=f"old-{i}", request_headers={"Merchant-Serial-Number": "111"})
        )  # fmt: skip
    bob = Recorder.open(path, run_label="now", person="bob")
    for i in range(60):
        bob.record(_exchange(i))
    bob.record(_exchange(60, step="create", operation="create_payment", status=201,
                         reference="special-x"))  # fmt: skip
    return bob


def total(at) -> int:
    found = re.search(r"of (\d+), newest first", texts(at))
    assert found, texts(at)
    return int(found.group(1))


class _Media:
    """Streamlit's media file manager as far as a download button needs it (AppTest has no
    runtime, so a callable's download is never registered)."""

    def __init__(self) -> None:
        self.deferred: dict[str, Callable[[], Any]] = {}

    def add_deferred(self, data: Callable[[], Any], *args: Any, **kwargs: Any) -> str:
        self.deferred[file_id := f"deferred-{len(self.deferred)}"] = data
        return file_id

    def add(self, *args: Any, **kwargs: Any) -> str:
        return "/media/static"

    def remove_deferred(self, *args: Any, **kwargs: Any) -> None: ...


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> _Media:
    from streamlit.elements.widgets import button

    fake = _Media()
    runtime = SimpleNamespace(
        exists=lambda: True, get_instance=lambda: SimpleNamespace(media_file_mgr=fake)
    )
    monkeypatch.setattr(button, "runtime", runtime)
    return fake


def deferred_bytes(at, media: _Media, key: str) -> bytes:
    """What the browser gets on a click: the download's callable, run now."""
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(key))
    data = media.deferred[button.proto.deferred_file_id]()
    return data if isinstance(data, bytes) else data.encode()


def test_filters_change_the_total(app, log) -> None:
    at = app(LOG, recorder=log)
    assert not unexpected(at)
    assert total(at) == 61  # this run
    at.radio(key="log_scope").set_value("All runs").run()
    everything = log.exchanges("all")  # with the dashboard's own webhook registration run
    assert total(at) == len(everything) >= 64
    at.multiselect(key="log_steps").set_value(["capture"]).run()
    assert total(at) == 3
    at.multiselect(key="log_steps").set_value([]).run()
    at.multiselect(key="log_status").set_value(["2xx"]).run()
    assert total(at) == len([e for e in everything if 200 <= (e.status or 0) < 300]) >= 61
    at.text_input(key="log_reference").input("special").run()
    assert total(at) == 1
    assert list(at.dataframe[0].value["reference"]) == ["special-x"]
    at.text_input(key="log_reference").input("").run()
    at.multiselect(key="log_status").set_value([]).run()
    at.multiselect(key="log_person").set_value(["ada"]).run()
    assert total(at) == 3
    at.multiselect(key="log_person").set_value([]).run()
    at.multiselect(key="log_msn").set_value(["222"]).run()
    assert total(at) == 61
    at.multiselect(key="log_msn").set_value([]).run()
    at.multiselect(key="log_status").set_value(["5xx"]).run()
    assert total(at) == 0 and "No exchanges match" in texts(at)


def test_paging_shows_the_next_rows(app, log) -> None:
    at = app(LOG, recorder=log)
    first = at.dataframe[0].value
    assert len(first) == 50 and "response_body" not in first.columns
    assert list(first["reference"][:2]) == ["special-x", "ref-59"]  # newest first
    assert "Exchanges 1-50 of 61" in texts(at)
    at.number_input(key="log_page").set_value(2).run()
    assert not unexpected(at)
    second = at.dataframe[0].value
    assert list(second["reference"]) == [f"ref-{i:02d}" for i in range(10, -1, -1)]
    assert "Exchanges 51-61 of 61" in texts(at)
    at.multiselect(key="log_steps").set_value(["create"]).run()  # fewer pages: the last one
    assert at.number_input(key="log_page").value == 1
    assert list(at.dataframe[0].value["reference"]) == ["special-x"]


def test_opening_one_shows_its_body(app, log) -> None:
    at = app(LOG, recorder=log)
    ids = at.selectbox(key="log_detail").options
    assert len(ids) == 50  # the page's exchanges, nothing beyond it
    oldest_on_page = [e.id for e in log.exchanges() if e.reference == "ref-11"][0]
    at.selectbox(key="log_detail").set_value(oldest_on_page).run()
    assert not unexpected(at)
    shown = " ".join(str(j.value) for j in at.get("json"))
    assert "body-11" in shown and "body-12" not in shown


def test_an_exchange_opened_from_another_page_is_shown_beyond_the_first_page(app, log) -> None:
    oldest = log.exchanges()[0].id
    at = app(LOG, recorder=log, log_focus=oldest)
    assert not unexpected(at)
    assert at.radio(key="log_scope").value == "All runs"
    assert at.selectbox(key="log_detail").value == oldest
    assert "body-00" in " ".join(str(j.value) for j in at.get("json"))


def test_a_download_holds_exactly_the_filtered_rows(app, log, media) -> None:
    at = app(LOG, recorder=log)
    at.radio(key="log_scope").set_value("All runs").run()
    at.multiselect(key="log_status").set_value(["4xx"]).run()
    rows = list(csv.DictReader(io.StringIO(deferred_bytes(at, media, "log_download_csv").decode())))
    assert sorted(r["reference"] for r in rows) == ["old-0", "old-1", "old-2"]
    at.multiselect(key="log_status").set_value([]).run()
    at.text_input(key="log_reference").input("ref-5").run()
    rows = list(csv.DictReader(io.StringIO(deferred_bytes(at, media, "log_download_csv").decode())))
    assert sorted(r["reference"] for r in rows) == [f"ref-5{i}" for i in range(10)]


def test_a_rehearsal_is_flagged_and_the_test_environment_is_not(app, log) -> None:
    at = app(LOG, recorder=log)
    assert any("rehearsal" in w.value for w in at.warning)
    at.radio(key="log_scope").set_value("All runs").run()
    at.multiselect(key="log_person").set_value(["ada"]).run()
    assert not any("rehearsal" in w.value for w in at.warning)


def test_over_the_limit_the_log_is_written_to_a_file_not_downloaded(
    app, log, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(downloads, "DOWNLOAD_LIMIT", 3)
    at = app(LOG, recorder=log)
    assert "61 exchanges are more than a browser download may hold (3)" in texts(at)
    assert not at.get("download_button")
    assert len([w for w in at.warning if "rehearsal" in w.value]) == 2  # also by the file buttons
    at.button(key="log_write_csv").click().run()
    assert not unexpected(at)
    (written,) = (tmp_path / "exports").glob("epayment-lab-log-run-*.csv")
    rows = list(csv.DictReader(io.StringIO(written.read_text(encoding="utf-8"))))
    assert len(rows) == 61 and {r["run"] for r in rows} == {log.run_id}
    (success,) = at.success
    assert f"`{written}`" in success.value and "61 exchanges" in success.value
    # The command shown writes the same rows again, from a terminal.
    (command,) = [c.value for c in at.code if c.value.startswith(".venv/bin/python -m lib.export")]
    again = tmp_path / "again.csv"
    words = shlex.split(command)
    assert words[words.index("--out") + 1] == str(written.parent)  # a new file, not this one
    words[words.index("--out") + 1] = str(again)
    assert export_main(words[3:]) == 0
    assert again.read_text(encoding="utf-8") == written.read_text(encoding="utf-8")


def test_every_file_written_for_the_selection_stays_listed(app, log, monkeypatch) -> None:
    monkeypatch.setattr(downloads, "DOWNLOAD_LIMIT", 3)
    at = app(LOG, recorder=log)
    assert "**Export the evidence**" in texts(at)  # no "Download" where none is offered
    at.button(key="log_write_csv").click().run()
    at.button(key="log_write_har").click().run()
    assert not unexpected(at)
    shown = [s.value for s in at.success]
    assert len(shown) == 2 and ".csv`" in shown[0] and ".har`" in shown[1]


def test_the_written_file_is_shown_for_its_own_filters_only(app, log, monkeypatch) -> None:
    monkeypatch.setattr(downloads, "DOWNLOAD_LIMIT", 3)
    at = app(LOG, recorder=log)
    at.button(key="log_write_json").click().run()
    assert at.success
    at.multiselect(key="log_status").set_value(["2xx"]).run()
    assert not at.success  # another selection: that file is not its export
    at.multiselect(key="log_status").set_value([]).run()
    assert at.success


def test_within_the_limit_the_downloads_are_offered(app, log, monkeypatch) -> None:
    monkeypatch.setattr(downloads, "DOWNLOAD_LIMIT", 3)
    at = app(LOG, recorder=log)
    at.radio(key="log_scope").set_value("All runs").run()
    at.multiselect(key="log_person").set_value(["ada"]).run()  # her 3 exchanges: at the limit
    assert not unexpected(at)
    assert len(at.get("download_button")) == 4
    assert "more than a browser download may hold" not in texts(at)
    assert not [b for b in at.button if b.key and b.key.startswith("log_write_")]
