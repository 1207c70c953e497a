"""Adversity armed on the session's simulator meets the reference shops; the rules grade how
each reacted (the careful shop gets no finding, the sloppy one the rule its reaction breaks)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from lib.integration.operations import WEBHOOK_ATTEMPT
from lib.integration.session import IntegrationSession
from lib.simulator_control import SimulatorControl
from simulator import DEFAULT_SALES_UNIT
from tests.integration.conftest import SCALE
from tests.integration.shops import CarefulShop, Shop, SloppyShop, WebhookEndpoint

MSN = DEFAULT_SALES_UNIT.merchant_serial_number


def until(check: Callable[[], Any], wait: float = 10.0) -> Any:
    deadline = time.monotonic() + wait
    while not (result := check()):
        assert time.monotonic() < deadline, "it never happened"
        time.sleep(0.02)
    return result


def order(
    shop: type[Shop],
    session: IntegrationSession,
    *behaviours: tuple[str, dict[str, Any]],
    endpoint: WebhookEndpoint | None = None,
) -> str:
    """The user approves at once; `behaviours` are armed too; one order in the shop."""
    control = SimulatorControl(session.base_url)
    for behaviour, options in (("approve", {}), *behaviours):
        control.arm_adversity(MSN, behaviour, **options)  # type: ignore[arg-type]
    instance = shop(session.base_url, DEFAULT_SALES_UNIT, scale=SCALE)
    if endpoint is not None:
        instance.register_webhook(endpoint)
    reference = f"{shop.__name__.lower()}-{uuid.uuid4().hex[:12]}"
    instance.order(reference)
    return reference


def fired(session: IntegrationSession) -> dict[str, dict[str, Any]]:
    listing = SimulatorControl(session.base_url).adversity()
    return {f["behaviour"]: f for f in listing["fired"]}


def test_capture_503__sloppy_shop_retries_with_a_new_key(sim_session) -> None:
    session = sim_session()
    reference = order(SloppyShop, session, ("capture_503", {}))
    assert fired(session)["capture_503"]["reference"] == reference
    session.stop()
    retry = [f for f in session.findings() if f.rule == "idempotency.new-key-on-retry"]
    assert [f.reference for f in retry] == [reference]


def test_capture_503__careful_shop_reuses_its_key(sim_session) -> None:
    session = sim_session()
    order(CarefulShop, session, ("capture_503", {}))
    assert fired(session)["capture_503"]["taken"] == 1
    session.stop()
    assert session.findings() == []


def test_get_429__sloppy_shop_ignores_it(sim_session) -> None:
    session = sim_session()
    reference = order(SloppyShop, session, ("get_429", {"count": 2}))
    session.stop()
    ignored = [f for f in session.findings() if f.rule == "polling.ignores-429"]
    assert [f.reference for f in ignored] == [reference]
    statuses = {ex.id: ex.status for ex in session.exchanges()}
    assert 429 in {statuses[i] for i in ignored[0].exchange_ids}


def test_get_429__careful_shop_slows_down(sim_session) -> None:
    session = sim_session()
    order(CarefulShop, session, ("get_429", {"count": 2}))
    session.stop()
    assert session.findings() == []
    assert [ex.status for ex in session.exchanges()].count(429) == 2


def test_webhook_refused_first__the_retried_delivery_is_seen(sim_session) -> None:
    session = sim_session()
    with WebhookEndpoint(check_signatures=True) as endpoint:
        reference = order(CarefulShop, session, ("webhook_refused_first", {}), endpoint=endpoint)
        control = SimulatorControl(session.base_url)
        until(lambda: len(control.webhook_attempts()["webhooks"][0]["attempts"]) >= 3)
        session.stop()
    attempts = [ex for ex in session.exchanges() if ex.operation == WEBHOOK_ATTEMPT]
    authorized = [ex for ex in attempts if ex.step and ex.step.startswith("epayments.payment.auth")]
    assert [(ex.status, ex.reference) for ex in authorized] == [(200, reference)] * 2
    assert "attempt 1: failed (adversity: webhook_refused_first)" in (authorized[0].step or "")
    assert "attempt 2: delivered" in (authorized[1].step or "")
    assert session.findings() == []  # the endpoint acknowledged both: nothing to blame it for


def forged_attempt_seen(session: IntegrationSession) -> None:
    control = SimulatorControl(session.base_url)

    def seen() -> bool:
        attempts = control.webhook_attempts()["webhooks"][0]["attempts"]
        return any(a.get("adversity") == "webhook_forged" for a in attempts)

    until(seen)


def test_webhook_forged__sloppy_endpoint_accepts_it(sim_session) -> None:
    session = sim_session()
    with WebhookEndpoint(check_signatures=False) as endpoint:
        reference = order(SloppyShop, session, ("webhook_forged", {}), endpoint=endpoint)
        forged_attempt_seen(session)
        session.stop()
    accepted = [f for f in session.findings() if f.rule == "webhooks.forged-accepted"]
    assert len(accepted) == 3  # the lab's two probes, and the adversity's forged delivery
    (armed,) = [f for f in accepted if "armed as adversity" in f.message]
    assert armed.reference == reference


def test_webhook_forged__careful_endpoint_refuses_it(sim_session) -> None:
    session = sim_session()
    with WebhookEndpoint(check_signatures=True) as endpoint:
        order(CarefulShop, session, ("webhook_forged", {}), endpoint=endpoint)
        assert "forged" in fired(session)["webhook_forged"]["outcome"]
        forged_attempt_seen(session)
        session.stop()
    assert session.findings() == []
