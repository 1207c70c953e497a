"""The sidebar and the step header stay cheap: no API call, the evidence read once per session."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.epayment import EPaymentClient
from lib.recorder import Recorder
from tests.app.conftest import TIMEOUT
from tests.app.helpers import unexpected


class CountingRecorder(Recorder):
    """A real recorder that counts the store reads made through `exchanges()`."""

    reads: list[tuple[object, ...]]

    def exchanges(self, run_id=None, reference=None, operation=None):  # type: ignore[override]
        self.reads.append((run_id, reference, operation))
        return super().exchanges(run_id, reference, operation)


def facts_script() -> None:
    import streamlit as st

    from lib.ui import session

    ss = st.session_state
    ss.found = [(session.last_created_reference(), session.token_issued()) for _ in range(3)]


def test_last_payment_and_token_are_read_from_the_evidence_once(settings, tmp_path: Path) -> None:
    earlier = EPaymentClient(settings, recorder=Recorder.open(tmp_path / "e.sqlite"))
    created = earlier.create_payment(amount=1000, return_url="https://example.com/return")
    recorder = CountingRecorder.open(tmp_path / "e.sqlite", run_label="this session")
    recorder.reads = []
    EPaymentClient(settings, recorder=recorder).get_access_token()  # a token in this run
    at = AppTest.from_function(facts_script, default_timeout=TIMEOUT)
    at.session_state["settings"] = settings
    at.session_state["recorder"] = recorder
    at.run()
    at.run()  # every rerun of the sidebar asks the same: the answers are remembered
    assert not at.exception
    assert at.session_state.found == [(created.reference, True)] * 3
    assert [r for r in recorder.reads if r[0] == "all"] == [("all", None, "create_payment")]
    assert len(recorder.reads) == 2  # one all-runs read, one read of this run's token calls


def remember_script() -> None:
    import streamlit as st

    from lib.ui import session

    session.remember_created("epl-made-here-1")
    st.session_state.found = session.last_created_reference()


def test_a_payment_created_here_is_the_last_one_without_a_read(settings, tmp_path) -> None:
    recorder = CountingRecorder.open(tmp_path / "e.sqlite")
    recorder.reads = []
    at = AppTest.from_function(remember_script, default_timeout=TIMEOUT)
    at.session_state["settings"] = settings
    at.session_state["recorder"] = recorder
    at.run()
    assert at.session_state.found == "epl-made-here-1"
    assert recorder.reads == []


def test_header_and_sidebar_make_no_api_call(app, client) -> None:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    at = app(None, reference=created.reference)  # the setup page: it shows no payment
    assert not unexpected(at)
    assert at.session_state.recorder.exchanges(operation="get_payment") == []
    assert created.reference in "\n".join(c.value for c in at.sidebar.code)
    assert "State not read yet" in "\n".join(c.value for c in at.sidebar.caption)
