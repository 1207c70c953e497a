"""Webhooks page and the webhook events on the status page, on the shared simulator."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime

from lib.checklist import Status, evaluate
from lib.epayment import EPaymentClient
from lib.ui.webhooks import local_webhooks
from tests.app.helpers import texts, unexpected

WEBHOOKS = "pages/12_webhooks.py"
STATUS = "pages/05_payment_status.py"
WAIT = 15  # s: a bound on waiting for a delivery, not a timed assertion


def approved_payment(at, simulator, settings) -> str:
    """A payment created by the page's own client (so its run owns it), approved, and its
    CREATED and AUTHORIZED webhooks received."""
    created = at.session_state.client.create_payment(
        amount=2500, return_url="https://example.com/return"
    )
    simulator.backend.approve(settings.merchant_serial_number, created.reference)
    local_webhooks().receiver.wait_for_events(created.reference, ["CREATED", "AUTHORIZED"], WAIT)
    return created.reference


def wait_for_evidence(recorder, reference: str, count: int) -> list:
    """The receiver records right after it answers the inbox: wait (bounded) for the rows."""
    deadline = time.monotonic() + WAIT
    rows = recorder.exchanges(reference=reference, operation="webhook_delivery")
    while len(rows) < count and time.monotonic() < deadline:
        time.sleep(0.05)
        rows = recorder.exchanges(reference=reference, operation="webhook_delivery")
    return rows


def test_the_receiver_is_registered_and_shows_verified_events(app, simulator, settings) -> None:
    at = app(WEBHOOKS)
    assert not unexpected(at)
    receiver_url = local_webhooks().receiver.url_for(settings.merchant_serial_number)
    assert f"This dashboard's receiver: `{receiver_url}`" in texts(at)
    listed = at.session_state.client.list_webhooks().data["webhooks"]
    assert receiver_url in [w["url"] for w in listed]
    assert any(receiver_url in e.label and "8 events" in e.label for e in at.expander)

    reference = approved_payment(at, simulator, settings)
    at.run()
    assert not unexpected(at)
    received = at.dataframe[-1].value
    mine = received[received["reference"] == reference]
    assert sorted(mine["event"]) == ["AUTHORIZED", "CREATED"]
    assert set(mine["verdict"]) == {"verified"}
    attempts = [d.value for d in at.dataframe[:-1]]
    assert any(reference in set(a["reference"]) and 200 in set(a["status"]) for a in attempts)
    # The evidence log of this session holds every delivery, and no secret shows on the page.
    assert len(wait_for_evidence(at.session_state.recorder, reference, 2)) >= 2
    assert "secret: shown once, kept by the receiver" in texts(at)


def test_register_and_delete_a_registration(app) -> None:
    at = app(WEBHOOKS)
    url = "http://127.0.0.1:9/nobody-listens"
    at.text_input(key="wh_url").input(url)
    at.multiselect(key="wh_events").set_value(["epayments.payment.captured.v1"])
    at.button(key="wh_register").click().run()
    assert not unexpected(at)
    created = at.session_state.outcomes["webhooks"]["exchange"]
    assert created.status == 201
    assert "«redacted:secret»" in created.response_body
    hook = next(
        w for w in at.session_state.client.list_webhooks().data["webhooks"] if w["url"] == url
    )
    assert any(url in e.label for e in at.expander)

    at.selectbox(key="wh_delete_id").select(hook["id"]).run()
    at.button(key="wh_delete").click().run()
    assert not unexpected(at)
    assert at.session_state.outcomes["webhooks"]["exchange"].status == 204
    listed = at.session_state.client.list_webhooks().data["webhooks"]
    assert url not in [w["url"] for w in listed]
    assert not any(url in e.label for e in at.expander)
    ops = [e.operation for e in at.session_state.recorder.exchanges()]
    assert {"register_webhook", "delete_webhook"} <= set(ops)


def test_deleting_the_receiver_offers_to_register_it_again(app, settings) -> None:
    at = app(WEBHOOKS)
    receiver_url = local_webhooks().receiver.url_for(settings.merchant_serial_number)
    hook = next(
        w for w in at.session_state.client.list_webhooks().data["webhooks"]
        if w["url"] == receiver_url
    )  # fmt: skip
    at.selectbox(key="wh_delete_id").select(hook["id"]).run()
    at.button(key="wh_delete").click().run()
    assert not unexpected(at)
    listed = at.session_state.client.list_webhooks().data["webhooks"]
    assert receiver_url not in [w["url"] for w in listed]
    assert "You deleted its registration" in texts(at)
    at.button(key="wh_reregister").click().run()
    assert not unexpected(at)
    listed = at.session_state.client.list_webhooks().data["webhooks"]
    assert [w["url"] for w in listed].count(receiver_url) == 1
    assert "wh_reregister" not in [b.key for b in at.button]


def test_a_refused_delivery_is_retried_and_then_verified(app, simulator, settings) -> None:
    at = app(WEBHOOKS)
    at.button(key="wh_fail_next").click().run()
    reference = approved_payment(at, simulator, settings)  # CREATED is refused once, then retried
    at.run()
    assert not unexpected(at)
    received = at.dataframe[-1].value
    mine = received[received["reference"] == reference].iloc[::-1]  # oldest first
    assert list(mine["event"])[:2] == ["CREATED", "CREATED"]
    assert list(mine["answered"])[:2] == [500, 200]
    assert "answered 500 on purpose" in mine["verdict"].iloc[0]
    assert mine["verdict"].iloc[1] == "verified"
    tried = next(d.value for d in at.dataframe[:-1] if reference in set(d.value["reference"]))
    created = tried[tried["event"] == "epayments.payment.created.v1"].iloc[::-1]
    assert list(created["outcome"]) == ["failed", "delivered"]
    assert created["next retry"].iloc[0] is not None


def test_a_simulator_reset_is_followed_by_a_new_registration(app, simulator, settings) -> None:
    receiver_url = local_webhooks().receiver.url_for(settings.merchant_serial_number)
    before = app(WEBHOOKS).session_state.client.list_webhooks().data["webhooks"]
    old = next(w["id"] for w in before if w["url"] == receiver_url)
    simulator.reset()  # forgets every registration
    at = app(WEBHOOKS)  # the next session finds ours gone and registers it again
    assert not unexpected(at)
    listed = at.session_state.client.list_webhooks().data["webhooks"]
    assert [w["url"] for w in listed] == [receiver_url]
    known = {r.id for r in local_webhooks().receiver.registrations}
    assert listed[0]["id"] in known
    assert old not in known  # the void secret is dropped
    approved_payment(at, simulator, settings)  # verified with the new secret


def test_the_automatic_registration_is_not_part_of_the_walk(app, simulator, settings) -> None:
    simulator.reset()  # so this session's start-up registers the receiver again
    at = app()
    assert not unexpected(at)
    assert at.session_state.webhooks_problem is None
    assert at.session_state.recorder.exchanges() == []  # no token, no call the user did not make
    sidebar = "\n".join(str(e.value) for e in at.sidebar.markdown)
    assert ":material/check_circle: 2. Access token" not in sidebar
    # The registration is evidence all the same, in the dashboard's own run.
    own_run = local_webhooks().evidence.process_recorder()
    assert [e.status for e in own_run.exchanges(operation="register_webhook")][-1] == 201


def test_outside_the_simulator_a_public_url_is_asked_for(app, settings) -> None:
    custom = dataclasses.replace(settings, target="custom")  # the simulator as any other API
    at = app(None, settings=custom)
    at.session_state["client"] = EPaymentClient(custom, recorder=at.session_state.recorder)
    at.switch_page(WEBHOOKS).run()
    assert not unexpected(at)
    assert "public HTTPS URL" in texts(at)
    assert at.text_input(key="wh_url").value == ""
    assert "Deliveries received here" not in texts(at)


def test_status_shows_the_webhooks_beside_the_poll(app, simulator, settings) -> None:
    at = app()
    reference = approved_payment(at, simulator, settings)
    at.session_state["reference"] = reference
    at.switch_page(STATUS).run()
    assert not unexpected(at)
    assert at.session_state.payment.state == "AUTHORIZED"
    shown = texts(at)
    assert "AUTHORIZED: webhook" in shown
    assert "CREATED: webhook" in shown
    table = at.dataframe[-1].value
    assert list(table["event"]) == ["CREATED", "AUTHORIZED"]
    assert set(table["verdict"]) == {"verified"}
    assert list(table["amount"]) == ["NOK 25.00", "NOK 25.00"]
    # The first poll saw AUTHORIZED after the webhook had arrived (approval came first).
    assert "AUTHORIZED: webhook" in table["webhook vs poll"].iloc[1]
    assert "s later" in table["webhook vs poll"].iloc[1]
    # The session's own log now rehearses Q1 (verified deliveries and a GET of the same payment);
    # on the simulator that is a rehearsal, never proof for Vipps.
    recorder = at.session_state.recorder
    assert len(wait_for_evidence(recorder, reference, 2)) >= 2
    q1 = evaluate(recorder.exchanges(), now=datetime.now(UTC))["Q1"]
    assert q1.status is Status.REHEARSED
    assert q1.references == (reference,)
