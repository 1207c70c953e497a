"""What scenario steps share: the client, the user actor, and the current payment's reference."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from lib.epayment import EPaymentClient
from lib.qa.actor import UserActor


@dataclass
class Context:
    """Per-scenario state; `fresh()` gives the next scenario a clean one over the same client."""

    client: EPaymentClient
    actor: UserActor
    amount: int = 1000  # minor units; avoid the test environment's special amounts (151-202)
    currency: str = "NOK"
    phone_number: str = "4712345678"
    code: str = "qa"  # the scenario's tag, part of each reference
    wrong_client: Callable[[], EPaymentClient] | None = None  # a client with wrong keys
    reference: str = ""
    keys: dict[str, str] = field(default_factory=dict)  # named Idempotency-Keys, for replays

    def new_reference(self) -> str:
        # Prefix, scenario tag and random suffix: 8-50 [a-zA-Z0-9-], not numeric, no leading 0.
        msn = self.client.settings.merchant_serial_number
        return f"qa-{msn}-{self.code}-{secrets.token_hex(4)}"[:50]

    def key(self, name: str) -> str:
        return self.keys.setdefault(name, str(uuid.uuid4()))

    def fresh(self, code: str) -> Context:
        return Context(
            client=self.client,
            actor=self.actor,
            amount=self.amount,
            currency=self.currency,
            phone_number=self.phone_number,
            code=code,
            wrong_client=self.wrong_client,
        )
