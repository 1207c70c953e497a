"""The battery on every sales unit of a run: one recorder, one webhook receiver, one wait."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lib.qa.deliveries import DeliveryCount, DeliveryWatch
from lib.qa.session import QaRun, from_simulator, test_environment_run
from lib.qa.units import Unit, UnitsError, resolve, test_settings
from lib.settings import Settings
from lib.simulator_control import SimulatorControl
from lib.webhooks import WebhookReceiver, register_receiver

FIRST_SIMULATOR_MSN = 123456  # the simulator's units are 123456, 123457, ... (simulator/config.py)
MAX_SIMULATOR_UNITS = 100


@dataclass
class UnitRun:
    unit: Unit
    run: QaRun

    @property
    def references(self) -> tuple[str, ...]:
        """The run's payments on this unit (and references it only asked about)."""
        found = [s.reference for s in self.run.result.steps if s.reference]
        found += [e.reference for e in self.run.exchanges if e.reference]
        return tuple(dict.fromkeys(found))


@dataclass
class Batch:
    target: str
    runs: list[UnitRun]
    watch: DeliveryWatch | None = None  # the simulator's truth about webhook deliveries
    deliveries: DeliveryCount | None = None

    def wait_for_webhooks(self, timeout: float) -> DeliveryCount | None:
        """Bounded: returns once every due delivery is in, or at the timeout (None: no webhooks)."""
        if self.watch is not None:
            payments = {r.unit.msn: r.references for r in self.runs}
            self.deliveries = self.watch.wait(payments, timeout)
        return self.deliveries


def unit_of(sales_unit: Any) -> Unit:
    """A Unit from the simulator's SalesUnit (its own test keys)."""
    return Unit(
        msn=sales_unit.merchant_serial_number,
        name=sales_unit.name,
        currency=sales_unit.currency,
        client_id=sales_unit.client_id,
        client_secret=sales_unit.client_secret,
        subscription_key=sales_unit.subscription_key,
    )


def simulator_units(
    msns: Sequence[str], units: Sequence[Unit] | None
) -> tuple[list[Any], list[str]]:
    """The simulator's sales units for this run, and the MSNs to run on (in the order asked)."""
    # Imported here: the simulator is only needed for this target.
    from simulator import SalesUnit
    from simulator.config import default_sales_units

    if units:
        fields = ("client_id", "client_secret", "subscription_key")
        made = [
            SalesUnit(**{f: getattr(u, f) for f in fields}, merchant_serial_number=u.msn,
                      name=u.name or f"QA unit {u.msn}", currency=u.currency)
            for u in units
        ]  # fmt: skip
        return made, [u.msn for u in units]
    offsets = [int(m) - FIRST_SIMULATOR_MSN if m.isdigit() else -1 for m in msns]
    if bad := [m for m, o in zip(msns, offsets, strict=True) if not 0 <= o < MAX_SIMULATOR_UNITS]:
        last = FIRST_SIMULATOR_MSN + MAX_SIMULATOR_UNITS - 1
        raise UnitsError([f"the simulator's sales units are MSN {FIRST_SIMULATOR_MSN}-{last}; "
                          f"not {', '.join(bad)}"])  # fmt: skip
    count = max(offsets, default=0) + 1
    return default_sales_units(count), list(msns) or [str(FIRST_SIMULATOR_MSN)]


@contextlib.contextmanager
def simulator_batch(
    recorder: Any, msns: Sequence[str] = (), units: Sequence[Unit] | None = None
) -> Iterator[Batch]:
    """An embedded simulator serving the units, a verified receiver registered on each (Q1)."""
    from simulator import SimulatorConfig, SimulatorServer

    sales_units, chosen = simulator_units(msns, units)
    config = SimulatorConfig(port=0, rate_limits=False, sales_units=sales_units)
    with SimulatorServer(config) as sim, WebhookReceiver(recorder=recorder) as receiver:
        by_msn = {u.merchant_serial_number: u for u in sim.sales_units}
        runs = []
        for msn in chosen:
            run = from_simulator(sim, recorder=recorder, sales_unit=by_msn[msn])
            # Webhooks beside polling (checklist Q1): every delivery is verified and recorded.
            register_receiver(run.client, receiver, label=msn)
            runs.append(UnitRun(unit_of(by_msn[msn]), run))
        yield Batch("simulator", runs, DeliveryWatch(SimulatorControl(sim.base_url), receiver))


def test_batch(
    recorder: Any,
    phone: str,
    secrets: Mapping[str, Any],
    env: Mapping[str, str],
    wanted: Sequence[Mapping[str, str]] = (),
) -> Batch:
    """Runs on the test environment: the [epayment] unit, or each wanted unit with its keys.
    Webhooks need a receiver the test environment can reach, so none is registered here."""
    if not wanted:
        settings = Settings.load(secrets, env, target="test")
        unit = Unit(settings.merchant_serial_number)
        return Batch("test", [UnitRun(unit, _test_run(settings, phone, recorder, unit))])
    runs = []
    for unit in resolve(wanted, secrets, env):
        settings = test_settings(unit, secrets, env)
        runs.append(UnitRun(unit, _test_run(settings, phone, recorder, unit)))
    return Batch("test", runs)


def _test_run(settings: Settings, phone: str, recorder: Any, unit: Unit) -> QaRun:
    return test_environment_run(settings, phone, recorder=recorder, currency=unit.currency)


test_batch.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
