"""The dashboard's process-wide receiver: registered once per simulator, again after a reset."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from lib.epayment import EPaymentClient
from lib.recorder import Recorder
from lib.settings import Settings
from lib.webhooks.local import LocalWebhooks, key_of

WAIT = 20.0  # a bound on waiting for deliveries, not a timing assertion


@pytest.fixture
def local() -> Iterator[LocalWebhooks]:
    webhooks = LocalWebhooks.start()
    yield webhooks
    webhooks.receiver.stop()


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[Recorder]:
    with Recorder.open(tmp_path / "evidence.sqlite", run_label="session") as rec:
        yield rec


def ours(client: EPaymentClient, local: LocalWebhooks, settings: Settings) -> list[str]:
    hooks = client.list_webhooks().data["webhooks"]
    return [h["id"] for h in hooks if h["url"] == local.url_for(settings)]


def test_ensure__registers_once_then_checks_the_control_plane(
    local: LocalWebhooks, recorder: Recorder, sim_settings: Settings, sim: Any
) -> None:
    local.evidence.join(recorder)
    made: list[EPaymentClient] = []

    def make() -> EPaymentClient:
        made.append(local.own_client(sim_settings, recorder))
        return made[-1]

    assert local.ensure(sim_settings, make) is None
    assert local.ensure(sim_settings, make) is None  # known to the simulator: nothing to do
    assert len(made) == 1
    assert ours(made[0], local, sim_settings) == [local.registered[key_of(sim_settings)]]
    assert local.attempts(sim_settings) == {local.registered[key_of(sim_settings)]: []}
    # The registration is the dashboard's own evidence, never the session's walk-through.
    assert recorder.exchanges() == []
    own = local.evidence.process_recorder()
    assert own is not None and [e.status for e in own.exchanges(operation="register_webhook")] == [
        201
    ]

    sim.reset()  # forgets every registration: the old secret is void
    old = local.registered[key_of(sim_settings)]
    assert local.ensure(sim_settings, make) is None
    assert len(made) == 2 and ours(made[1], local, sim_settings) != [old]
    assert old not in {r.id for r in local.receiver.registrations}


def test_ensure__a_verified_delivery_reaches_the_session_that_made_the_payment(
    local: LocalWebhooks, recorder: Recorder, sim_settings: Settings, sim: Any
) -> None:
    local.evidence.join(recorder)
    client = EPaymentClient(sim_settings, recorder=recorder)
    assert local.ensure(sim_settings, lambda: local.own_client(sim_settings, recorder)) is None
    ref = str(client.create_payment(amount=1000, return_url="https://example.com/r").reference)
    local.control(sim.base_url).approve(sim_settings.merchant_serial_number, ref)
    events = local.receiver.wait_for_events(ref, ["CREATED", "AUTHORIZED"], WAIT)
    assert [e.label for e in events] == ["CREATED", "AUTHORIZED"]
    tried = local.attempts(sim_settings)[local.registered[key_of(sim_settings)]]
    assert tried and {a["reference"] for a in tried} == {ref}  # the simulator's side of it


def test_forget__declines_until_registered_again(
    local: LocalWebhooks, recorder: Recorder, sim_settings: Settings
) -> None:
    client = EPaymentClient(sim_settings, recorder=recorder)
    assert local.ensure(sim_settings, lambda: client) is None
    (hook,) = ours(client, local, sim_settings)
    client.delete_webhook(hook)
    local.forget(sim_settings, hook)
    assert local.declined_for(sim_settings)
    assert local.ensure(sim_settings, lambda: client) is None
    assert ours(client, local, sim_settings) == []  # the user's delete is respected
    assert local.reregister(sim_settings, client) is None
    assert not local.declined_for(sim_settings) and len(ours(client, local, sim_settings)) == 1


def test_ensure__an_unreachable_simulator_is_a_problem_not_an_error(
    local: LocalWebhooks, sim_settings: Settings, client: EPaymentClient
) -> None:
    gone = replace(sim_settings, base_url="http://127.0.0.1:9")  # nobody listens on port 9
    problem = local.ensure(gone, lambda: client)
    assert problem is not None and problem.startswith("Could not register the webhook receiver")
    assert "did not answer" in problem
