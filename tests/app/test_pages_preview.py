"""The curl a step shows before its click is the request the click sends, byte for byte."""

from __future__ import annotations

import pytest

from lib.recorder import to_curl
from tests.app.helpers import unexpected


@pytest.fixture
def authorized(client, simulator, settings) -> str:
    created = client.create_payment(amount=1000, return_url="https://example.com/return")
    simulator.backend.approve(settings.merchant_serial_number, created.reference)
    return created.reference


def preview_of(at) -> str:
    shown = [c.value for c in at.code if c.value.startswith("curl -X ")]
    assert len(shown) == 1, shown
    return shown[0]


def sent_by(at, step: str) -> str:
    outcome = at.session_state.outcomes[step]
    assert outcome["error"] is None, outcome["error"]
    return to_curl(outcome["exchange"])


def test_create_sends_what_it_previewed(app) -> None:
    at = app("pages/03_create_payment.py")
    preview = preview_of(at)
    assert "Idempotency-Key: " in preview and "<access_token>" in preview
    at.button(key="create_go").click().run()
    assert not unexpected(at)
    assert sent_by(at, "create") == preview


@pytest.mark.parametrize(("page", "step"), [("06_capture", "capture"), ("08_cancel", "cancel")])
def test_money_steps_send_what_they_previewed(app, authorized, page: str, step: str) -> None:
    at = app(f"pages/{page}.py", reference=authorized)
    if step == "capture":
        at.radio(key="capture_mode").set_value("Part of it").run()
        at.number_input(key="capture_amount").set_value(4.0).run()
    preview = preview_of(at)
    at.button(key=f"{step}_go").click().run()
    assert not unexpected(at)
    assert sent_by(at, step) == preview


def test_refund_sends_what_it_previewed(app, client, authorized) -> None:
    client.capture_payment(authorized, 600)
    at = app("pages/07_refund.py", reference=authorized)
    preview = preview_of(at)
    assert '"value": 600' in preview
    at.button(key="refund_go").click().run()
    assert not unexpected(at)
    assert sent_by(at, "refund") == preview


def test_the_next_operation_gets_a_new_idempotency_key(app, authorized) -> None:
    at = app("pages/06_capture.py", reference=authorized)
    at.radio(key="capture_mode").set_value("Part of it").run()
    at.number_input(key="capture_amount").set_value(4.0).run()
    at.button(key="capture_go").click().run()
    at.button(key="capture_go").click().run()  # the remaining 6.00: a second capture
    assert not unexpected(at)
    captures = at.session_state.recorder.exchanges(operation="capture_payment")
    assert [e.status for e in captures] == [200, 200]
    assert captures[0].idempotency_key != captures[1].idempotency_key
