"""The sidebar and the step header stay cheap: no API call, the evidence read once per session."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.epayment import EPaymentClient
from lib.exchange import Exchange
from lib.recorder import Recorder
from tests.app.conftest import TIMEOUT
from tests.app.helpers import unexpected


class CountingRecorder(Recorder):
    """A real recorder that counts the log loaded through `exchanges()` and the store's
    sidebar questions."""

    reads: list[tuple[object, ...]]
    asked: list[tuple[object, ...]]

    def exchanges(self, run_id=None, reference=None, operation=None):  # type: ignore[override]
        self.reads.append((run_id, reference, operation))
        return super().exchanges(run_id, reference, operation)

    def count_questions(self) -> None:
        self.reads, self.asked = [], []
        answer = self.store.sidebar_facts

        def asking(run_id: str, base_url: str, msn: str | None) -> object:
            self.asked.append((run_id, base_url, msn))
            return answer(run_id, base_url, msn)

        self.store.sidebar_facts = asking  # type: ignore[method-assign]


def facts_script() -> None:
    import streamlit as st

    from lib.ui import session

    ss = st.session_state
    ss.found = [(session.last_created_reference(), session.token_issued()) for _ in range(3)]


def test_last_payment_and_token_are_read_from_the_evidence_once(settings, tmp_path: Path) -> None:
    earlier = EPaymentClient(settings, recorder=Recorder.open(tmp_path / "e.sqlite"))
    created = earlier.create_payment(amount=1000, return_url="https://example.com/return")
    recorder = CountingRecorder.open(tmp_path / "e.sqlite", run_label="this session")
    recorder.count_questions()
    EPaymentClient(settings, recorder=recorder).get_access_token()  # a token in this run
    at = AppTest.from_function(facts_script, default_timeout=TIMEOUT)
    at.session_state["settings"] = settings
    at.session_state["recorder"] = recorder
    at.run()
    at.run()  # every rerun of the sidebar asks the same: the answers are remembered
    assert not at.exception
    assert at.session_state.found == [(created.reference, True)] * 3
    assert recorder.reads == []  # the log is never loaded
    unit = (recorder.run_id, settings.base_url, settings.merchant_serial_number)
    assert recorder.asked == [unit]  # one question answers both, then both are remembered


def test_no_token_yet_is_asked_again_and_a_later_one_is_seen(settings, tmp_path: Path) -> None:
    recorder = CountingRecorder.open(tmp_path / "e.sqlite", run_label="this session")
    recorder.count_questions()
    at = AppTest.from_function(facts_script, default_timeout=TIMEOUT)
    at.session_state["settings"] = settings
    at.session_state["recorder"] = recorder
    at.run()
    assert at.session_state.found == [(None, False)] * 3
    EPaymentClient(settings, recorder=recorder).get_access_token()
    at.run()
    assert at.session_state.found == [(None, True)] * 3
    assert recorder.reads == [] and len(recorder.asked) == 5  # 1 + 3, then 1: the token seen


def test_another_sales_units_token_does_not_count(settings, tmp_path: Path) -> None:
    recorder = CountingRecorder.open(tmp_path / "e.sqlite", run_label="this session")
    for url, msn in [(settings.base_url, "999999"), ("https://elsewhere.test", None)]:
        headers = {"Merchant-Serial-Number": msn} if msn else {}
        recorder.record(Exchange(method="POST", url=f"{url}/accesstoken/get", status=200,
                                 operation="access_token", request_headers=headers))  # fmt: skip
    at = AppTest.from_function(facts_script, default_timeout=TIMEOUT)
    at.session_state["settings"] = settings
    at.session_state["recorder"] = recorder
    at.run()
    assert at.session_state.found == [(None, False)] * 3


def init_script() -> None:
    import streamlit as st

    from lib.ui import session

    session.init_session(st.session_state.settings, db_path=st.session_state.db_path)


def test_a_store_url_makes_no_folder_named_after_it(settings, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    at = AppTest.from_function(init_script, default_timeout=TIMEOUT)
    at.session_state["settings"] = settings
    at.session_state["db_path"] = f"sqlite:///{tmp_path}/lab/evidence.sqlite"
    at.run()
    assert not at.exception
    assert (tmp_path / "lab" / "evidence.sqlite").exists()  # the store made its own folder
    assert not (tmp_path / "sqlite:").exists()
    at.session_state.recorder.close()


def remember_script() -> None:
    import streamlit as st

    from lib.ui import session

    session.remember_created("epl-made-here-1")
    st.session_state.found = session.last_created_reference()


def test_a_payment_created_here_is_the_last_one_without_a_read(settings, tmp_path) -> None:
    recorder = CountingRecorder.open(tmp_path / "e.sqlite")
    recorder.count_questions()
    at = AppTest.from_function(remember_script, default_timeout=TIMEOUT)
    at.session_state["settings"] = settings
    at.session_state["recorder"] = recorder
    at.run()
    assert at.session_state.found == "epl-made-here-1"
    assert recorder.reads == [] and recorder.asked == []


def test_header_and_sidebar_make_no_api_call(app, client) -> None:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    at = app(None, reference=created.reference)  # the setup page: it shows no payment
    assert not unexpected(at)
    assert at.session_state.recorder.exchanges(operation="get_payment") == []
    assert created.reference in "\n".join(c.value for c in at.sidebar.code)
    assert "State not read yet" in "\n".join(c.value for c in at.sidebar.caption)
