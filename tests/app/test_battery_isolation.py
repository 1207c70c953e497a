"""The battery on the shared embedded simulator leaves every other session's payments and clock
alone: it arms no fault, changes no transition policy, never resets or moves the clock."""

from __future__ import annotations

import threading

from lib.epayment import EPaymentClient
from lib.simulator_control import SimulatorControl
from tests.app.test_pages_qa import run_subset


def test_battery__another_session_polling_meanwhile_sees_nothing_change(
    app, client: EPaymentClient, simulator
) -> None:
    control = SimulatorControl(simulator.base_url)
    offset_before = control.advance_clock(0)  # 0 s: reads the offset, moves nothing
    ref = str(client.create_payment(amount=1000, return_url="https://example.com/r").reference)
    seen: list[tuple[str | None, int]] = []
    stop = threading.Event()

    def other_session_polls() -> None:  # the other session's live status, while the battery runs
        while not stop.wait(0.05):
            payment = client.get_payment(ref).payment
            events = client.get_payment_event_log(ref).events
            seen.append((payment.state if payment else None, len(events)))

    poller = threading.Thread(target=other_session_polls)
    poller.start()
    try:
        at = app("pages/11_verify_sales_unit.py")
        names = at.multiselect(key="qa_choice").value  # every scenario
        run_subset(app, names)
    finally:
        stop.set()
        poller.join()
    assert seen and set(seen) == {("CREATED", 1)}
    assert control.advance_clock(0) == offset_before
    assert control.faults() == [] and control.transitions()["mode"] == "manual"
    assert client.get_payment(ref).state == "CREATED"
