"""lib.progress and lib.quickstart: the steps done, the step a step still needs, step order."""

from __future__ import annotations

from lib.epayment.models import Payment
from lib.progress import missing_step, steps_done
from lib.quickstart import STEP_BY_KEY, STEPS, step_after

REF = "ref-12345678"


def payment(state: str, authorized=0, captured=0, refunded=0, cancelled=0) -> Payment:
    amounts = {"authorized": authorized, "captured": captured}
    amounts |= {"refunded": refunded, "cancelled": cancelled}
    aggregate = {f"{k}Amount": {"currency": "NOK", "value": v} for k, v in amounts.items()}
    amount = {"currency": "NOK", "value": 1000}
    return Payment.from_json({"reference": REF, "state": state, "amount": amount,
                              "aggregate": aggregate})  # fmt: skip


def test_steps_done__from_marks_and_the_payment() -> None:
    assert steps_done({"setup"}, None, None) == {"setup"}
    assert steps_done(set(), REF, None) == {"create"}  # created, not read yet
    assert steps_done(set(), REF, payment("CREATED")) == {"create"}
    moved = payment("AUTHORIZED", 1000, captured=400, refunded=100)
    assert steps_done(set(), REF, moved) == {"create", "complete", "status", "capture", "refund"}
    assert "cancel" in steps_done(set(), REF, payment("TERMINATED"))
    assert "cancel" in steps_done(set(), REF, payment("AUTHORIZED", 1000, cancelled=1000))
    assert "cancel" not in steps_done(set(), REF, payment("ABORTED"))


def test_steps_done__setup_and_token_without_their_buttons() -> None:
    assert steps_done(set(), None, None) == set()
    assert steps_done(set(), None, None, settings_ok=True) == {"setup"}
    assert steps_done(set(), None, None, settings_ok=True, token_ok=True) == {"setup", "token"}


def test_missing_step__names_the_earlier_step() -> None:
    assert missing_step("create", None, None) is None
    assert missing_step("status", None, None) == STEP_BY_KEY["create"]
    created = payment("CREATED")
    assert missing_step("capture", REF, created) == STEP_BY_KEY["complete"]
    assert missing_step("capture", REF, None) == STEP_BY_KEY["complete"]
    authorized = payment("AUTHORIZED", 1000)
    assert missing_step("capture", REF, authorized) is None
    assert missing_step("refund", REF, authorized) == STEP_BY_KEY["capture"]
    assert missing_step("refund", REF, payment("AUTHORIZED", 1000, captured=1)) is None
    assert missing_step("cancel", REF, created) is None


def test_steps__numbered_in_order_with_their_pages() -> None:
    assert [s.number for s in STEPS] == list(range(1, 9))
    assert STEP_BY_KEY["capture"].path == "pages/06_capture.py"
    assert step_after("status") == STEP_BY_KEY["capture"]
    assert step_after("cancel") is None
