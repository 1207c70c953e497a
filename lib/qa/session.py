"""A QA run wired up (tapped client, user actor, wrong-keys client, results) for CLI and pages."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from lib.epayment import EPaymentClient
from lib.exchange import Exchange
from lib.qa.actor import SimulatorActor, TestEnvironmentActor, UserActor
from lib.qa.context import Context
from lib.qa.runner import BatteryResult, Progress, Tap, run_battery
from lib.qa.scenario import Scenario
from lib.qa.scenarios import SCENARIOS
from lib.settings import Settings
from lib.simulator_control import SimulatorControl

DEFAULT_TEST_PHONE = "4712345678"


class QaRun:
    """One battery run. Iterate `progress()` for live updates, or call `run()`.

    Every exchange goes through `recorder` (redacted and stored there) and is also kept in
    `exchanges`, with the store's ids, for the step table and the evidence pack.
    """

    def __init__(
        self,
        settings: Settings,
        actor: Callable[[EPaymentClient], UserActor],
        *,
        recorder: Any = None,
        currency: str = "NOK",
        phone_number: str = DEFAULT_TEST_PHONE,
    ) -> None:
        self.settings = settings
        self.tap = Tap(recorder)
        self.client = EPaymentClient(settings, recorder=self.tap)
        self.actor = actor(self.client)
        self.result = BatteryResult()
        self.context = Context(
            client=self.client,
            actor=self.actor,
            currency=currency,
            phone_number=phone_number,
            wrong_client=self._wrong_client,
        )

    def _wrong_client(self) -> EPaymentClient:
        wrong = replace(self.settings, client_secret=f"wrong-secret-{secrets.token_hex(8)}")
        return EPaymentClient(wrong, recorder=self.tap, max_retries=0)

    @property
    def target(self) -> str:
        return self.settings.target

    @property
    def exchanges(self) -> list[Exchange]:
        return list(self.tap.seen)

    def progress(self, scenarios: Iterable[Scenario] = SCENARIOS) -> Iterator[Progress]:
        return run_battery(self.context, self.tap, scenarios, self.result)

    def run(self, scenarios: Iterable[Scenario] = SCENARIOS) -> BatteryResult:
        for _ in self.progress(scenarios):
            pass
        return self.result


def simulator_run(settings: Settings, *, recorder: Any = None, currency: str = "NOK") -> QaRun:
    """A run on a running simulator; the user is played through its control plane."""
    control = SimulatorControl(settings.base_url)

    def actor(_: EPaymentClient) -> UserActor:
        return SimulatorActor(control, settings.merchant_serial_number)

    return QaRun(settings, actor, recorder=recorder, currency=currency)


def from_simulator(server: Any, *, recorder: Any = None, sales_unit: Any = None) -> QaRun:
    """A run on a started SimulatorServer (its first sales unit unless given)."""
    unit = sales_unit or server.sales_units[0]
    settings = Settings.for_simulator(server.base_url, unit)
    currency = str(getattr(unit, "currency", None) or "NOK")
    return simulator_run(settings, recorder=recorder, currency=currency)


def test_environment_run(
    settings: Settings,
    phone_number: str,
    *,
    recorder: Any = None,
    currency: str = "NOK",
) -> QaRun:
    """A run on the test environment; approval by force approve with a test user's number."""
    return QaRun(
        settings,
        lambda client: TestEnvironmentActor(client, phone_number),
        recorder=recorder,
        currency=currency,
        phone_number=phone_number,
    )


test_environment_run.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
