"""Payment states and the result every client method returns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lib.exchange import Exchange


class PaymentState(StrEnum):
    """The five states of the spec; CAPTURED/REFUNDED/CANCELLED are events, not states."""

    CREATED = "CREATED"
    AUTHORIZED = "AUTHORIZED"
    ABORTED = "ABORTED"
    EXPIRED = "EXPIRED"
    TERMINATED = "TERMINATED"

    @property
    def is_final(self) -> bool:
        # AUTHORIZED is final too: capture/refund/cancel change the aggregate, never the state.
        return self is not PaymentState.CREATED


@dataclass(frozen=True)
class ApiResult:
    """One successful operation: status, parsed JSON (None for no body), and its evidence."""

    status: int
    data: Any
    reference: str | None
    idempotency_key: str | None
    exchange: Exchange

    @property
    def state(self) -> PaymentState | None:
        """The payment state in `data`, when the response carries one."""
        if isinstance(self.data, dict) and self.data.get("state") in PaymentState.__members__:
            return PaymentState(self.data["state"])
        return None
