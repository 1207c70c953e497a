"""The user's part of a scenario: approve, reject or let expire (simulator or test API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from lib.epayment import EPaymentClient
    from lib.simulator_control import SimulatorControl


class ManualStepRequired(Exception):
    """This user action needs a person on this target (e.g. reject in the test app)."""


class UserActor(Protocol):
    target: str

    def approve(self, reference: str) -> None: ...
    def reject(self, reference: str) -> None: ...
    def expire(self, reference: str) -> None: ...


class SimulatorActor:
    """Plays the user through the simulator's control plane (`/_sim/`), which is never recorded:
    it stands in for the app, not for the merchant's integration. A refusal raises
    SimulatorControlError, which fails the step with the simulator's sentence."""

    target = "simulator"
    how = "simulator control plane (stands in for the app; not an API call)"

    def __init__(self, control: SimulatorControl, merchant_serial_number: str) -> None:
        self.control = control
        self.msn = merchant_serial_number

    def approve(self, reference: str) -> None:
        self.control.approve(self.msn, reference)

    def reject(self, reference: str) -> None:
        self.control.reject(self.msn, reference)

    def expire(self, reference: str) -> None:
        # Nobody acts: the simulator's expire action ends it EXPIRED now. Its clock, which every
        # session on it shares, stays where it is.
        self.control.expire(self.msn, reference)


class TestEnvironmentActor:
    """Plays the user on the test environment: force approve with a test user's phone number.

    Rejecting or letting a payment expire needs a person with the test app (or ten minutes), so
    those steps are reported as manual there.
    """

    target = "test"
    how = "force approve with the test user's phone number"
    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, client: EPaymentClient, phone_number: str) -> None:
        self.client = client
        self.phone_number = phone_number

    def approve(self, reference: str) -> None:
        self.client.force_approve(reference, phone_number=self.phone_number)

    def reject(self, reference: str) -> None:
        raise ManualStepRequired(f"reject payment {reference} in the test app (vippsMT://)")

    def expire(self, reference: str) -> None:
        raise ManualStepRequired(f"leave payment {reference} untouched for 10 minutes")
