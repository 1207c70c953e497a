"""Create, complete and status pages, with session state seeded to jump to each step."""

from __future__ import annotations

import dataclasses

import pytest

from lib.epayment import EPaymentClient, PaymentState
from tests.app.helpers import metrics, texts, unexpected

CREATE = "pages/03_create_payment.py"
COMPLETE = "pages/04_complete_payment.py"
STATUS = "pages/05_payment_status.py"


def test_create_payment_with_the_prefilled_form(app) -> None:
    at = app(CREATE)
    reference = at.text_input(key="create_reference").value
    assert reference.startswith("epl-")
    at.button(key="create_go").click().run()
    assert not unexpected(at)
    assert at.session_state.reference == reference
    assert at.session_state.redirect_url
    assert at.session_state.payment.state is PaymentState.CREATED
    assert at.session_state.outcomes["create"]["exchange"].status == 201
    assert f"Current payment: **{reference}**" in texts(at)
    # The form now offers the next reference, so a second click creates a second payment.
    following = at.text_input(key="create_reference").value
    assert following.startswith("epl-") and following != reference
    at.button(key="create_go").click().run()
    assert not unexpected(at)
    assert at.session_state.reference == following
    logged = at.session_state.recorder.exchanges(operation="create_payment")
    assert [e.status for e in logged] == [201, 201]


def test_create_preview_follows_the_form(app) -> None:
    at = app(CREATE)
    at.text_input(key="create_amount").input("25.50")
    at.text_input(key="create_phone").input("4798765432")
    at.text_input(key="create_reference").input("bad ref!")  # refused here: nothing sent
    at.button(key="create_go").click().run()  # a form's edits arrive with its submit
    assert "create" not in at.session_state.outcomes
    preview = " ".join(c.value for c in at.code)
    assert '"value": 2550' in preview and "4798765432" in preview
    assert "4712345678" not in preview


def test_create_never_resends_a_reference_it_already_sent(app) -> None:
    at = app(CREATE)
    reference = at.text_input(key="create_reference").value
    at.button(key="create_go").click().run()
    at.text_input(key="create_reference").input(reference)  # as a double submit would send it
    at.button(key="create_go").click().run()
    assert not unexpected(at)
    assert f"Reference: {reference} was already sent" in " ".join(e.value for e in at.error)
    assert at.text_input(key="create_reference").value != reference
    logged = at.session_state.recorder.exchanges(operation="create_payment")
    assert [e.status for e in logged] == [201]


def test_create_checks_each_field_before_sending(app) -> None:
    at = app(CREATE)
    at.text_input(key="create_reference").input("bad ref!")
    at.text_input(key="create_amount").input("0.5")
    at.text_input(key="create_phone").input("12")
    at.button(key="create_go").click().run()
    assert not unexpected(at)
    errors = [e.value for e in at.error]
    assert "Reference: not allowed: space, '!' (only letters A-Z and a-z" in " ".join(errors)
    assert any(e.startswith("Amount: at least NOK 1.00") for e in errors)
    assert any(e.startswith("Phone number:") for e in errors)
    assert at.session_state.recorder.exchanges(operation="create_payment") == []
    assert at.session_state.reference is None


def test_field_errors_after_a_create_clear_its_answer(app) -> None:
    at = app(CREATE)
    at.button(key="create_go").click().run()
    assert "Response** &nbsp; `HTTP 201`" in texts(at)
    at.text_input(key="create_amount").input("0.5")
    at.button(key="create_go").click().run()
    assert not unexpected(at)
    assert any(e.value.startswith("Amount: at least NOK 1.00") for e in at.error)
    assert "HTTP 201" not in texts(at)  # the earlier answer is not shown as this one's
    assert "Current payment:" not in texts(at)
    assert "create" not in at.session_state.outcomes


def test_create_allows_references_up_to_64_characters(app) -> None:
    at = app(CREATE)
    longest = "epl-" + "a" * 60
    at.text_input(key="create_reference").input(longest + "b")
    at.button(key="create_go").click().run()
    assert "8 to 64 characters, got 65" in " ".join(e.value for e in at.error)
    assert "ePayment API 1.8.1" in at.text_input(key="create_reference").help
    at.text_input(key="create_reference").input(longest)
    at.button(key="create_go").click().run()
    assert not unexpected(at)
    assert at.session_state.reference == longest
    assert at.session_state.outcomes["create"]["exchange"].status == 201


def test_a_refused_create_shows_the_field_message_and_is_logged(app) -> None:
    at = app(CREATE)
    at.text_input(key="create_reference").input("bad ref!")
    at.checkbox(key="create_send_anyway").check()
    at.button(key="create_go").click().run()
    assert not unexpected(at)
    errors = " ".join(e.value for e in at.error)
    assert "Reference: not allowed: space, '!'" in errors
    assert "Create payment refused (400" in errors
    logged = at.session_state.recorder.exchanges(operation="create_payment")
    assert [e.status for e in logged] == [400]
    assert logged[0].step == "create"
    assert at.session_state.reference is None


def test_complete_shows_qr_and_approves_on_the_simulator(app, client) -> None:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    at = app(COMPLETE, reference=created.reference, redirect_url=created.data["redirectUrl"])
    assert not unexpected(at)
    assert len(at.image) == 1  # the QR code
    assert created.data["redirectUrl"] in texts(at)
    at.button(key="complete_approve").click().run()
    assert not unexpected(at)
    assert at.session_state.payment.state is PaymentState.AUTHORIZED
    assert "The payment is AUTHORIZED: the customer approved" in at.success[0].value


def test_complete_reject_ends_the_payment_aborted(app, client) -> None:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    at = app(COMPLETE, reference=created.reference)
    at.button(key="complete_reject").click().run()
    assert not unexpected(at)
    assert at.session_state.payment.state is PaymentState.ABORTED
    assert not at.success
    assert "The payment is ABORTED: the customer rejected it" in at.warning[0].value


def test_complete_expired_and_terminated_say_what_happened(app, client) -> None:
    expiring = client.create_payment(amount=1000, return_url="https://example.com/return")
    at = app(COMPLETE, reference=expiring.reference)
    at.button(key="complete_expire").click().run()
    assert not unexpected(at)
    assert not at.success
    assert "The payment is EXPIRED: nobody approved it in time" in at.warning[0].value
    cancelled = client.create_payment(amount=1000, return_url="https://example.com/return")
    client.cancel_payment(cancelled.reference)
    at = app(COMPLETE, reference=cancelled.reference)
    assert not at.success and not at.warning
    assert "The payment is TERMINATED: the merchant cancelled it" in at.info[0].value


def test_status_shows_state_amounts_and_events(app, client, simulator, settings) -> None:
    created = client.create_payment(amount=2500, return_url="https://example.com/return")
    simulator.backend.approve(settings.merchant_serial_number, created.reference)
    at = app(STATUS, reference=created.reference)
    assert not unexpected(at)
    assert at.session_state.payment.state is PaymentState.AUTHORIZED
    assert metrics(at)["Authorized"] == "NOK 25.00"
    assert metrics(at)["Captured"] == "NOK 0.00"
    events = at.dataframe[0].value
    assert list(events["event"]) == ["CREATED", "AUTHORIZED"]
    assert ":blue-badge[CREATED 25.00] → :green-badge[AUTHORIZED 25.00]" in texts(at)
    assert "Final state: polling stopped" in texts(at)


def test_status_keeps_polling_while_created(app, client) -> None:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    at = app(STATUS, reference=created.reference)
    assert not unexpected(at)
    assert at.session_state.payment.state is PaymentState.CREATED
    assert "Polling every 2 s until final" in texts(at)


def test_steps_that_need_a_payment_link_to_create(app) -> None:
    for page in (COMPLETE, STATUS, "pages/06_capture.py", "pages/08_cancel.py"):
        at = app(page)
        assert not unexpected(at)
        assert "This step needs **Create payment** first." in texts(at)
        assert at.get("page_link")[0].proto.page == "create_payment"


def test_a_step_offers_the_last_payment_after_a_reload(app, settings, tmp_path) -> None:
    from lib.recorder import Recorder

    earlier = EPaymentClient(settings, recorder=Recorder.open(tmp_path / "evidence.sqlite"))
    created = earlier.create_payment(amount=1000, return_url="https://example.com/return")
    at = app(COMPLETE)  # a new browser session on the same evidence file
    assert not unexpected(at)
    assert f"or resume **{created.reference}** (your last payment)" in texts(at)
    at.button(key="complete_resume_last").click().run()
    assert not unexpected(at)
    assert at.session_state.reference == created.reference
    assert len(at.image) == 1  # the step itself now: the QR code of the resumed payment


def test_complete_force_approves_outside_the_simulator(app, client, settings) -> None:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    custom = dataclasses.replace(settings, target="custom")  # the simulator as any other API

    at = app(None, settings=custom, reference=created.reference)
    at.session_state["client"] = EPaymentClient(custom, recorder=at.session_state.recorder)
    at.switch_page(COMPLETE).run()
    assert not unexpected(at)
    assert "Force approve" in texts(at)
    at.button(key="complete_force").click().run()
    assert not unexpected(at)
    assert at.session_state.outcomes["complete"]["exchange"].status == 200
    assert at.session_state.payment.state is PaymentState.AUTHORIZED


def test_status_polling_stops_when_the_payment_turns_final(
    app, client, simulator, settings, auto_reruns
) -> None:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    at = app(STATUS, reference=created.reference)
    assert auto_reruns[-1] == [2.0]  # CREATED: the panel polls every 2 s
    simulator.backend.approve(settings.merchant_serial_number, created.reference)
    at.run()  # as the panel's next poll: it reads AUTHORIZED during the run
    assert not unexpected(at)
    assert at.session_state.payment.state is PaymentState.AUTHORIZED
    assert auto_reruns[-1] == []  # the browser keeps no timer: polling stopped
    assert "Final state: polling stopped" in texts(at)


@pytest.mark.parametrize(
    ("act", "state", "said"),
    [
        ("approve", PaymentState.AUTHORIZED, "The payment is AUTHORIZED"),
        ("reject", PaymentState.ABORTED, "The payment is ABORTED"),
        ("expire", PaymentState.EXPIRED, "The payment is EXPIRED"),
    ],
)
def test_complete_follows_the_payment_live(
    app, client, simulator, settings, auto_reruns, act, state, said
) -> None:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    at = app(COMPLETE, reference=created.reference)
    assert auto_reruns[-1] == [2.0]  # CREATED: the customer's side polls like step 5
    assert at.button(key="complete_approve")
    assert "Polling every 2 s until final" in texts(at)
    # The customer acts elsewhere (the landing page, a phone): no click on this page.
    getattr(simulator.backend, act)(settings.merchant_serial_number, created.reference)
    at.run()  # as the panel's next poll
    assert not unexpected(at)
    assert at.session_state.payment.state is state
    assert not [b for b in at.button if b.key in ("complete_approve", "complete_reject")]
    assert said in texts(at)
    assert "Final state: polling stopped" in texts(at)
    assert auto_reruns[-1] == []  # polling stopped at the final state
