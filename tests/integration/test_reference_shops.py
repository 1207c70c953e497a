"""The careful shop gets no finding, the sloppy one exactly the expected rules, on both targets."""

from __future__ import annotations

import uuid

import pytest

from lib.integration.findings import Severity
from lib.integration.session import IntegrationSession
from lib.simulator_control import SimulatorControl
from simulator import DEFAULT_SALES_UNIT, SimulatorServer
from tests.integration.conftest import SCALE
from tests.integration.shops import CarefulShop, Shop, SloppyShop, WebhookEndpoint
from tests.integration.tls import TlsFront

SLOPPY_RULES = {
    "headers.vipps-system",
    "auth.token-per-request",
    "polling.too-frequent",
    "polling.after-final",
    "idempotency.new-key-on-retry",
}
# The lab sends forged deliveries only on the simulator target (it cannot see the test
# environment's webhooks, so it does not probe there).
SLOPPY_SIMULATOR_RULES = SLOPPY_RULES | {"webhooks.forged-accepted"}


def walk(shop: type[Shop], session: IntegrationSession, control: SimulatorControl) -> str:
    """One order in the shop while the API answers the first capture with 503."""
    reference = f"{shop.__name__.lower()}-{uuid.uuid4().hex[:12]}"
    control.set_transitions("after_polls", polls=1 if shop.careful else 5)
    control.add_fault({"operation": "capture_payment", "kind": "status", "status": 503})
    with WebhookEndpoint(check_signatures=shop.careful) as endpoint:
        instance = shop(session.base_url, DEFAULT_SALES_UNIT, scale=SCALE)
        instance.register_webhook(endpoint)
        instance.order(reference)
        session.stop()  # probes the endpoint while it still answers
    return reference


def test_careful_shop__simulator_target(sim_session) -> None:
    session = sim_session()
    walk(CarefulShop, session, SimulatorControl(session.base_url))
    assert session.findings() == []
    operations = {ex.operation for ex in session.exchanges()}
    assert {"create_payment", "capture_payment", "webhook_probe"} <= operations


def test_sloppy_shop__simulator_target(sim_session) -> None:
    session = sim_session()
    reference = walk(SloppyShop, session, SimulatorControl(session.base_url))
    findings = session.findings()
    assert {f.rule for f in findings} == SLOPPY_SIMULATOR_RULES
    retry = next(f for f in findings if f.rule == "idempotency.new-key-on-retry")
    assert retry.severity is Severity.ERROR and retry.reference == reference
    statuses = {ex.id: ex.status for ex in session.exchanges()}
    assert [statuses[i] for i in retry.exchange_ids] == [503, 200]
    forged = [f for f in findings if f.rule == "webhooks.forged-accepted"]
    assert len(forged) == 2  # the forged and the unsigned delivery


@pytest.mark.parametrize("shop", [CarefulShop, SloppyShop])
def test_reference_shops__through_the_proxy(
    shop: type[Shop],
    proxy_session: IntegrationSession,
    tls_upstream: tuple[SimulatorServer, TlsFront],
) -> None:
    upstream, _ = tls_upstream
    walk(shop, proxy_session, SimulatorControl(upstream.base_url))
    findings = proxy_session.findings()
    assert {f.rule for f in findings} == (set() if shop.careful else SLOPPY_RULES)
    assert all(ex.target == "custom" for ex in proxy_session.exchanges())
