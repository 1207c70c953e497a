"""SimulatorControl: the one client of the simulator's control plane, over real HTTP."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from lib.epayment import EPaymentClient
from lib.simulator_control import SimulatorControl, SimulatorControlError


@pytest.fixture
def sim_control(sim: Any) -> SimulatorControl:
    return SimulatorControl(sim.base_url)


def _created(client: EPaymentClient) -> str:
    return str(client.create_payment(amount=1000, return_url="https://example.com/r").reference)


def test_approve__authorizes_the_payment(client: EPaymentClient, sim_control: SimulatorControl):
    ref = _created(client)
    msn = client.settings.merchant_serial_number
    assert sim_control.approve(msn, ref)["state"] == "AUTHORIZED"
    assert client.get_payment(ref).state == "AUTHORIZED"


def test_reject_and_expire(client: EPaymentClient, sim_control: SimulatorControl) -> None:
    msn = client.settings.merchant_serial_number
    rejected, expired = _created(client), _created(client)
    assert sim_control.act(msn, rejected, "reject")["state"] == "ABORTED"
    assert sim_control.expire(msn, expired)["state"] == "EXPIRED"
    assert [e["name"] for e in sim_control.payment(msn, expired)["events"]][-1] == "EXPIRED"


def test_approve__refused_names_the_action_and_status(
    client: EPaymentClient, sim_control: SimulatorControl
) -> None:
    ref = _created(client)
    msn = client.settings.merchant_serial_number
    sim_control.reject(msn, ref)
    with pytest.raises(SimulatorControlError) as err:
        sim_control.approve(msn, ref)
    assert err.value.status is not None and err.value.status >= 400
    assert f"refused to approve payment {ref}" in str(err.value)


def test_unknown_action_is_a_value_error(sim_control: SimulatorControl) -> None:
    with pytest.raises(ValueError):
        sim_control.act("123456", "ref-12345678", "capture")


def test_no_simulator__one_error_type_with_a_hint() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SimulatorControlError, match="did not answer.*is it running"):
        SimulatorControl(f"http://127.0.0.1:{port}", timeout=2).health()


def test_clock_transitions_faults_and_listing(
    client: EPaymentClient, sim_control: SimulatorControl
) -> None:
    assert sim_control.health() == {"status": "ok"}
    assert sim_control.sales_units()[0]["merchant_serial_number"]
    assert sim_control.advance_clock(30) >= 30
    assert sim_control.set_transitions("immediate")["mode"] == "immediate"
    assert sim_control.transitions()["mode"] == "immediate"
    sim_control.set_transitions("manual")
    sim_control.add_fault({"operation": "capture_payment", "kind": "status"})
    assert len(sim_control.faults()) == 1
    sim_control.clear_faults()
    assert sim_control.faults() == []
    ref = _created(client)
    assert ref in {
        p["reference"] for p in sim_control.payments(client.settings.merchant_serial_number)
    }
    assert sim_control.webhook_attempts()["webhooks"] == []
    assert "retryScale" in sim_control.webhook_settings()


def test_adversity__arm_list_fire_clear(
    client: EPaymentClient, sim_control: SimulatorControl
) -> None:
    sim_control.reset()
    msn = client.settings.merchant_serial_number
    armed = sim_control.arm_adversity(msn, "get_429", count=2, seconds=3)
    assert (armed["behaviour"], armed["count"], armed["status"]) == ("get_429", 2, "armed")
    sim_control.arm_adversity(msn, "reject")
    ref = _created(client)
    for _ in range(200):  # the user's rejection comes on a thread of its own
        if (queue := sim_control.adversity())["fired"]:
            break
        time.sleep(0.01)
    assert [a["behaviour"] for a in queue["armed"]] == ["get_429"]  # waits for 2 GETs
    assert queue["armed"][0]["reference"] == ref
    assert queue["fired"][0]["behaviour"] == "reject"
    sim_control.clear_adversity()
    assert sim_control.adversity()["armed"] == []
    assert sim_control.faults() == []


def test_adversity__refusal_names_the_field(sim_control: SimulatorControl) -> None:
    with pytest.raises(SimulatorControlError) as err:
        sim_control.arm_adversity("123456", "dance")  # type: ignore[arg-type]
    assert err.value.status == 400
    assert "arm dance" in str(err.value)


def test_payments__follows_the_listings_pages(
    client: EPaymentClient, sim_control: SimulatorControl
) -> None:
    made = [_created(client) for _ in range(5)]
    msn = client.settings.merchant_serial_number
    listed = [p["reference"] for p in sim_control.payments(msn, page_size=2)]
    assert listed[-5:] == made and len(listed) == len(set(listed))
