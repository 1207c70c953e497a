"""The user's part of a scenario: approve, reject or let expire (simulator or test API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

import requests

if TYPE_CHECKING:
    from lib.epayment import EPaymentClient


class ManualStepRequired(Exception):
    """This user action needs a person on this target (e.g. reject in the test app)."""


class UserActor(Protocol):
    target: str

    def approve(self, reference: str) -> None: ...
    def reject(self, reference: str) -> None: ...
    def expire(self, reference: str) -> None: ...


class SimulatorActor:
    """Plays the user through the simulator's control plane (`/_sim/`), which is never recorded:
    it stands in for the app, not for the merchant's integration."""

    target = "simulator"
    how = "simulator control plane (stands in for the app; not an API call)"

    def __init__(
        self,
        base_url: str,
        merchant_serial_number: str,
        *,
        expiry_seconds: float = 600.0,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.msn = merchant_serial_number
        self.expiry_seconds = expiry_seconds
        self.session = session or requests.Session()

    def _post(self, path: str, body: dict | None = None) -> None:
        response = self.session.post(f"{self.base_url}/_sim/{path}", json=body, timeout=10)
        if response.status_code >= 400:
            raise RuntimeError(f"simulator control {path}: {response.status_code} {response.text}")

    def _act(self, reference: str, action: str) -> None:
        self._post(f"payments/{quote(self.msn)}/{quote(reference, safe='')}/{action}")

    def approve(self, reference: str) -> None:
        self._act(reference, "approve")

    def reject(self, reference: str) -> None:
        self._act(reference, "reject")

    def expire(self, reference: str) -> None:
        # Nobody acts: move the simulated clock past the expiry instead of waiting for it.
        self._post("clock/advance", {"seconds": self.expiry_seconds + 1})


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
