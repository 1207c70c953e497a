"""The simulator target: a run per system, the lab's own traffic apart, failures counted."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import requests

from lib.integration.session import IntegrationSession
from lib.simulator_control import SimulatorControl
from simulator import DEFAULT_SALES_UNIT as UNIT
from tests.integration.shops import EVENTS, CarefulShop, WebhookEndpoint
from tests.integration.test_proxy import BrokenStore


def token(base_url: str, **system: str) -> requests.Response:
    headers = {
        "client_id": UNIT.client_id,
        "client_secret": UNIT.client_secret,
        "Ocp-Apim-Subscription-Key": UNIT.subscription_key,
        **system,
    }
    return requests.post(f"{base_url}/accesstoken/get", headers=headers, timeout=10)


def test_a_run_per_system_and_the_labs_own_calls_apart(sim_session) -> None:
    session = sim_session()
    acme = {"Vipps-System-Name": "acme", "Vipps-System-Plugin-Name": "acme-webshop"}
    assert token(session.base_url, **acme).ok and token(session.base_url).ok
    assert token(session.base_url, **{"Vipps-System-Name": "epayment-lab"}).ok
    SimulatorControl(session.base_url).health()  # the control plane is the lab's, not the API
    session.stop()
    exchanges = session.exchanges()
    assert [ex.operation for ex in exchanges] == ["access_token", "access_token"]
    assert session.recorder.ignored == 1
    labels = {run.label for run in session.recorder.store.runs()}
    assert labels == {
        "integration (simulator): acme / acme-webshop",
        "integration (simulator): no Vipps-System-Name",
    }
    stored = " ".join(f"{ex.request_headers} {ex.response_body}" for ex in exchanges)
    assert UNIT.client_secret not in stored and UNIT.subscription_key not in stored
    meta = session.recorder.store.meta(exchanges[0].run_id or "")
    assert meta["evidence"].startswith("rehearsal")


def test_a_failing_store_never_changes_an_answer(tmp_path: Path) -> None:
    store = BrokenStore(tmp_path / "broken.sqlite")
    with IntegrationSession("simulator", store=store) as session:
        answers = [token(session.base_url) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert session.recorder.failures == 3


def test_webhook_endpoint_that_refuses_deliveries(sim_session) -> None:
    session = sim_session()
    control = SimulatorControl(session.base_url)
    with WebhookEndpoint(check_signatures=True) as endpoint:  # no secret kept: refuses all
        shop = CarefulShop(session.base_url, UNIT)
        answer = requests.post(
            f"{session.base_url}/webhooks/v1/webhooks",
            timeout=10,
            json={"url": endpoint.url, "events": EVENTS},
            headers=shop.headers(),
        )
        assert answer.status_code == 201
        shop.create("acme-webhook-1")
        control.approve(UNIT.merchant_serial_number, "acme-webhook-1")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            hook["attempts"] for hook in control.webhook_attempts()["webhooks"]
        ):
            time.sleep(0.05)
        session.stop()
    findings = session.findings()
    refused = [f for f in findings if f.rule == "webhooks.not-acknowledged"]
    assert len(refused) == 1 and endpoint.url in refused[0].message
    assert not [f for f in findings if f.rule == "webhooks.forged-accepted"]
    probes = [ex for ex in session.exchanges() if ex.operation == "webhook_probe"]
    assert sorted(ex.status or 0 for ex in probes) == [401, 401]


def test_a_dropped_connection_is_recorded_without_a_status(sim_session) -> None:
    session = sim_session()
    control = SimulatorControl(session.base_url)
    shop = CarefulShop(session.base_url, UNIT)
    shop.create("acme-dropped-1")
    control.approve(UNIT.merchant_serial_number, "acme-dropped-1")
    control.add_fault({"operation": "capture_payment", "kind": "drop_after"})
    with contextlib.suppress(requests.ConnectionError):  # captured, but no answer came
        shop.modify("acme-dropped-1", "capture", 2500, "key-1")
    assert shop.modify("acme-dropped-1", "capture", 2500, "key-2").status_code == 400
    session.stop()
    captures = [ex for ex in session.exchanges() if ex.operation == "capture_payment"]
    assert [ex.status for ex in captures] == [None, 400]
    assert "dropped" in (captures[0].error or "")
    rules = {f.rule for f in session.findings()}
    assert {"idempotency.new-key-on-retry", "flow.over-capture"} <= rules
