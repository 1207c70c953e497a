"""Capture, refund, cancel, the request log and the sidebar, from seeded payments."""

from __future__ import annotations

import pytest

from lib.epayment import PaymentState
from tests.app.helpers import metrics, texts, unexpected

CAPTURE = "pages/06_capture.py"
REFUND = "pages/07_refund.py"
CANCEL = "pages/08_cancel.py"
LOG = "pages/09_request_log.py"


@pytest.fixture
def authorized(client, simulator, settings):
    """A 10.00 NOK payment the customer approved; returns its reference."""
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    simulator.backend.approve(settings.merchant_serial_number, created.reference)
    return created.reference


def test_capture_defaults_to_the_remaining_amount(app, authorized) -> None:
    at = app(CAPTURE, reference=authorized)
    assert not unexpected(at)
    assert at.number_input(key="capture_amount").value == 10.0
    at.radio(key="capture_mode").set_value("Part of it").run()
    at.number_input(key="capture_amount").set_value(4.0).run()
    at.button(key="capture_go").click().run()
    assert not unexpected(at)
    assert metrics(at)["Captured"] == "NOK 4.00"
    assert "Still reserved and not captured: **NOK 6.00**" in texts(at)
    at.radio(key="capture_mode").set_value("Everything left").run()
    assert at.number_input(key="capture_amount").value == 6.0  # what is left, not the 4.00 typed
    at.button(key="capture_go").click().run()
    assert metrics(at)["Captured"] == "NOK 10.00"
    # Nothing left: no `value: 0` to send (the API would answer 400), and the field says 0.00.
    assert at.number_input(key="capture_amount").value == 0.0
    assert at.button(key="capture_go").disabled
    warning = " ".join(w.value for w in at.warning)
    assert "Nothing left to capture: authorized NOK 10.00, captured NOK 10.00" in warning


def test_capture_preview_follows_the_amount(app, authorized) -> None:
    at = app(CAPTURE, reference=authorized)
    at.radio(key="capture_mode").set_value("Part of it").run()
    at.number_input(key="capture_amount").set_value(4.0).run()
    preview = " ".join(c.value for c in at.code)
    assert '"value": 400' in preview and '"value": 1000' not in preview


def test_capture_above_the_reserved_amount_is_explained(app, authorized) -> None:
    at = app(CAPTURE, reference=authorized)
    at.radio(key="capture_mode").set_value("Part of it").run()
    at.number_input(key="capture_amount").set_value(20.0).run()
    assert at.button(key="capture_go").disabled  # checked here first: 20.00 > 10.00 left
    at.checkbox(key="capture_send_anyway").check().run()
    at.button(key="capture_go").click().run()
    assert not unexpected(at)
    refusal = " ".join(e.value for e in at.error)
    assert "Capture refused" in refusal
    assert "amount 2000 (NOK 20.00)" in refusal and "amount 1000 (NOK 10.00)" in refusal
    assert any(x.label == "Problem detail from the API" for x in at.expander)
    problem = at.session_state.outcomes["capture"]["error"].problem
    assert "NOK" not in problem["detail"]  # the API's own words stay as they are
    assert at.session_state.outcomes["capture"]["exchange"].status >= 400
    assert metrics(at)["Captured"] == "NOK 0.00"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (-5.0, "Amount: NOK -5.00 is negative; capture a positive amount. To give money back"),
        (0.0, "Amount: more than NOK 0.00 (the API refuses 0)."),
        (10.01, "Amount: NOK 10.01 is more than the NOK 10.00 left to capture."),
    ],
)
def test_capture_amount_is_checked_before_sending(app, authorized, typed, said) -> None:
    at = app(CAPTURE, reference=authorized)
    at.radio(key="capture_mode").set_value("Part of it").run()
    at.number_input(key="capture_amount").set_value(typed).run()
    assert not unexpected(at)
    assert at.number_input(key="capture_amount").value == typed  # shown as typed, never clamped
    assert said in " ".join(e.value for e in at.error)
    assert at.button(key="capture_go").disabled
    assert at.session_state.recorder.exchanges(operation="capture_payment") == []


def test_refund_above_what_was_captured_is_checked_before_sending(app, client, authorized) -> None:
    client.capture_payment(authorized, 600)
    at = app(REFUND, reference=authorized)
    at.radio(key="refund_mode").set_value("Part of it").run()
    at.number_input(key="refund_amount").set_value(7.0).run()
    assert "Amount: NOK 7.00 is more than the NOK 6.00 left to refund." in " ".join(
        e.value for e in at.error
    )
    assert at.button(key="refund_go").disabled
    at.number_input(key="refund_amount").set_value(-1.0).run()
    assert "Amount: NOK -1.00 is negative; refund a positive amount." in " ".join(
        e.value for e in at.error
    )
    assert at.button(key="refund_go").disabled


def test_capture_needs_an_approved_payment(app, client) -> None:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    at = app(CAPTURE, reference=created.reference)
    assert not unexpected(at)
    assert "needs an **approved** (AUTHORIZED) payment" in texts(at)


def test_refund_part_of_what_was_captured(app, client, authorized) -> None:
    client.capture_payment(authorized, 600)
    at = app(REFUND, reference=authorized)
    assert not unexpected(at)
    assert at.number_input(key="refund_amount").value == 6.0
    at.radio(key="refund_mode").set_value("Part of it").run()
    at.number_input(key="refund_amount").set_value(2.5).run()
    at.button(key="refund_go").click().run()
    assert not unexpected(at)
    assert metrics(at)["Refunded"] == "NOK 2.50"
    assert "Captured and not yet refunded: **NOK 3.50**" in texts(at)


def test_refund_has_nothing_to_send_once_all_is_refunded(app, client, authorized) -> None:
    client.capture_payment(authorized, 600)
    at = app(REFUND, reference=authorized)
    assert not at.button(key="refund_go").disabled
    at.button(key="refund_go").click().run()
    assert not unexpected(at)
    assert metrics(at)["Refunded"] == "NOK 6.00"
    assert at.number_input(key="refund_amount").value == 0.0
    assert at.button(key="refund_go").disabled
    warning = " ".join(w.value for w in at.warning)
    assert "Nothing left to refund: captured NOK 6.00, refunded NOK 6.00." in warning
    refunds = at.session_state.recorder.exchanges(operation="refund_payment")
    assert [e.status for e in refunds] == [200]


def test_refund_needs_a_capture_first(app, authorized) -> None:
    at = app(REFUND, reference=authorized)
    assert "This step needs **Capture** first." in texts(at)


def test_cancel_after_a_partial_capture_releases_the_rest(app, client, authorized) -> None:
    client.capture_payment(authorized, 300)
    at = app(CANCEL, reference=authorized)
    assert "Cancelling releases everything not captured: **NOK 7.00**" in texts(at)
    at.button(key="cancel_go").click().run()
    assert not unexpected(at)
    assert metrics(at)["Cancelled"] == "NOK 7.00"
    assert at.session_state.payment.state is PaymentState.AUTHORIZED


def test_cancel_before_approval_terminates(app, client) -> None:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    at = app(CANCEL, reference=created.reference)
    at.button(key="cancel_go").click().run()
    assert not unexpected(at)
    assert at.session_state.payment.state is PaymentState.TERMINATED
    # Cancelled already: a second cancel would be refused, so it takes a deliberate opt-in.
    assert "Already cancelled (TERMINATED)" in texts(at)
    assert at.button(key="cancel_go").disabled
    at.checkbox(key="cancel_send_anyway").check().run()
    at.button(key="cancel_go").click().run()
    assert not unexpected(at)
    assert "Cancel refused" in " ".join(e.value for e in at.error)
    cancels = at.session_state.recorder.exchanges(operation="cancel_payment")
    assert [e.status >= 400 for e in cancels] == [False, True]


def test_cancel_of_a_rejected_payment_says_nothing_was_reserved(
    app, client, simulator, settings
) -> None:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    simulator.backend.reject(settings.merchant_serial_number, created.reference)
    at = app(CANCEL, reference=created.reference)
    assert not unexpected(at)
    assert "The customer rejected this payment: nothing was ever reserved" in texts(at)
    assert "everything is captured" not in texts(at)
    assert at.button(key="cancel_go").disabled


def test_request_log_filters_shows_detail_and_exports(app, authorized) -> None:
    at = app(CAPTURE, reference=authorized)
    at.button(key="capture_go").click().run()
    at.switch_page(LOG).run()
    assert not unexpected(at)
    table = at.dataframe[0].value
    assert {"capture_payment", "get_payment"} <= set(table["operation"])
    assert "curl -X POST" in texts(at) or "curl -X GET" in texts(at)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["CSV", "JSON", "Excel", "HAR 1.2"]
    at.multiselect(key="log_steps").set_value(["capture"]).run()
    assert set(at.dataframe[0].value["operation"]) == {"capture_payment"}
    at.multiselect(key="log_steps").set_value([]).run()
    at.multiselect(key="log_status").set_value(["4xx"]).run()
    assert "No exchanges match" in texts(at)  # nothing was refused in this run


def test_sidebar_resumes_a_payment_by_reference(app, authorized) -> None:
    at = app()
    at.text_input(key="sb_resume_ref").input(authorized)
    at.button(key="sb_resume_go").click().run()
    assert not unexpected(at)
    assert at.session_state.reference == authorized
    assert at.session_state.payment.state is PaymentState.AUTHORIZED
    # Only AppTest's first run executes dashboard.py (and the sidebar); the pages show the rest.
    at.switch_page(CAPTURE).run()
    assert "Still reserved and not captured: **NOK 10.00**" in texts(at)


def test_sidebar_shows_the_payment_and_starts_over(app, authorized) -> None:
    at = app(None, reference=authorized)
    sidebar = "\n".join(str(e.value) for e in [*at.sidebar.markdown, *at.sidebar.code])
    assert authorized in sidebar
    assert ":material/check_circle: 3. Create payment" in sidebar
    at.button(key="sb_start_over").click().run()
    assert not unexpected(at)
    assert at.session_state.reference is None
    at.switch_page("pages/03_create_payment.py").run()  # the browser test sees the switch itself
    assert at.text_input(key="create_reference").value not in ("", authorized)


def test_sidebar_ticks_setup_and_token_fetched_implicitly(app, settings, tmp_path) -> None:
    from lib.epayment import EPaymentClient
    from lib.recorder import Recorder

    fresh = app()
    sidebar = "\n".join(str(e.value) for e in fresh.sidebar.markdown)
    assert ":material/check_circle: 1. Setup" in sidebar  # the simulator's keys are active
    recorder = Recorder.open(tmp_path / "walk.sqlite", run_label="apptest")
    client = EPaymentClient(settings, recorder=recorder)
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    # No "Get an access token" click: create_payment fetched the token by itself.
    at = app(None, recorder=recorder, client=client, reference=created.reference)
    sidebar = "\n".join(str(e.value) for e in at.sidebar.markdown)
    assert ":material/check_circle: 1. Setup" in sidebar
    assert ":material/check_circle: 2. Access token" in sidebar


def test_sidebar_offers_the_last_payment_after_a_reload(app, settings, tmp_path) -> None:
    from lib.epayment import EPaymentClient
    from lib.recorder import Recorder

    earlier = EPaymentClient(settings, recorder=Recorder.open(tmp_path / "evidence.sqlite"))
    created = earlier.create_payment(amount=1000, return_url="https://example.com/return")
    at = app()  # a new browser session on the same evidence file
    assert at.session_state.reference is None
    at.button(key="sb_resume_last").click().run()
    assert at.session_state.reference == created.reference
    assert at.session_state.payment.state is PaymentState.CREATED


def test_an_unexpected_error_is_explained_never_a_traceback(app) -> None:
    # First run only: AppTest's later runs execute the page alone, without the entrypoint's guard.
    at = app(None, reference="epl-broken-state", payment="not a payment")
    assert not at.exception
    assert "Something unexpected went wrong" in " ".join(e.value for e in at.error)


def test_cancel_follows_a_payment_approved_meanwhile(
    app, client, simulator, settings, auto_reruns
) -> None:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    at = app(CANCEL, reference=created.reference)
    assert "ends the payment as **TERMINATED**" in texts(at)
    assert auto_reruns[-1] == [2.0]  # CREATED: polled like the status page
    simulator.backend.approve(settings.merchant_serial_number, created.reference)
    at.run()  # as the panel's next poll
    assert not unexpected(at)
    assert "Cancelling releases everything not captured: **NOK 10.00**" in texts(at)
    assert auto_reruns[-1] == []
