"""Simulator settings and the test sales units (merchant keys) it accepts."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from simulator.transitions import TransitionPolicy
from simulator.webhooks.settings import DELIVERY_MODES, DeliveryMode

if TYPE_CHECKING:
    from simulator.observe import ObservedExchange

ENV_SALES_UNITS = "EPAYMENT_SIM_SALES_UNITS"
ENV_WEBHOOK_DELIVERY = "EPAYMENT_SIM_WEBHOOK_DELIVERY"
MARKETS = ("NOK", "DKK", "EUR")


@dataclass(frozen=True)
class SalesUnit:
    """One merchant sales unit: its API keys, MSN, market currency and what it is allowed to do."""

    client_id: str
    client_secret: str
    subscription_key: str
    merchant_serial_number: str
    name: str = "ePayment Lab Demo Shop"
    currency: str = "NOK"
    allow_partial_capture: bool = True  # False: error 6140 "Must capture full amount"
    allow_push_message: bool = True  # False: error 5080
    allow_long_living: bool = True  # False: error 5050 for expiresAt
    allow_express: bool = False  # Express (shipping) is outside the quick start: error 5020

    def public_dict(self) -> dict[str, object]:
        """The control plane's view: keys included, since they are test keys of this simulator."""
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "subscription_key": self.subscription_key,
            "merchant_serial_number": self.merchant_serial_number,
            "name": self.name,
            "currency": self.currency,
            "allow_partial_capture": self.allow_partial_capture,
        }


DEFAULT_SALES_UNIT = SalesUnit(
    client_id="7c1b6a52-3f0e-4d9a-8b21-5e6f7a8b9c01",
    client_secret="epayment-lab-demo-secret",
    subscription_key="0123456789abcdef0123456789abcdef",
    merchant_serial_number="123456",
    name="ePayment Lab Demo Shop",
    currency="NOK",
)


def generated_sales_unit(index: int) -> SalesUnit:
    """The index-th extra sales unit (index >= 1), derived deterministically so keys stay stable."""
    msn = str(int(DEFAULT_SALES_UNIT.merchant_serial_number) + index)
    digest = hashlib.sha256(f"epayment-lab-sales-unit-{msn}".encode()).hexdigest()
    currency = MARKETS[index % len(MARKETS)]
    return SalesUnit(
        client_id=str(uuid.UUID(digest[:32])),
        client_secret=f"epayment-lab-secret-{digest[32:48]}",
        subscription_key=digest[32:64],
        merchant_serial_number=msn,
        name=f"ePayment Lab Shop {index + 1} ({currency})",
        currency=currency,
    )


def default_sales_units(count: int = 1) -> list[SalesUnit]:
    """The default unit plus count-1 generated ones (MSN 123457, 123458, ... in DKK, EUR, NOK)."""
    return [DEFAULT_SALES_UNIT] + [generated_sales_unit(i) for i in range(1, max(count, 1))]


def sales_unit_count_from_env(default: int = 1) -> int:
    raw = os.environ.get(ENV_SALES_UNITS, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


def webhook_delivery_from_env(default: DeliveryMode = "worker") -> DeliveryMode:
    raw = os.environ.get(ENV_WEBHOOK_DELIVERY, "").strip()
    return next((mode for mode in DELIVERY_MODES if mode == raw), default)


@dataclass
class SimulatorConfig:
    """Everything a SimulatorServer needs. All fields have test-friendly defaults."""

    host: str = "127.0.0.1"
    port: int = 0
    rate_limits: bool = True
    expiry_seconds: float = 600.0  # 10 minutes, as documented for every userFlow
    token_lifetime_seconds: int = 3600  # test environment: "3600"
    sales_units: list[SalesUnit] = field(
        default_factory=lambda: default_sales_units(sales_unit_count_from_env())
    )
    seed: int | None = None  # seeds ids and pspReferences
    transition: TransitionPolicy = field(default_factory=TransitionPolicy)
    public_url: str | None = None  # base URL put in redirectUrl (e.g. a LAN address for a phone)
    observer: Callable[[ObservedExchange], None] | None = None
    sweep_interval_seconds: float = 1.0
    # final payments and idempotency records are forgotten this long after (simulated clock;
    # math.inf keeps everything): a long-running simulator's memory stays bounded
    retention_seconds: float = 24 * 3600.0
    max_body_bytes: int = 1024 * 1024
    # A connection gets this long to send a request head, first or after an answer (then it is
    # closed), and a request body may pause this long between bytes (then 408): nginx's 60 s.
    idle_timeout_seconds: float = 60.0
    body_timeout_seconds: float = 60.0
    webhook_timeout_seconds: float = 10.0  # a delivery not answered in time is a failure
    webhook_retry_scale: float = 1.0  # multiplies the retry schedule (0.01: tests and demos)
    webhook_max_in_flight: int = 16  # concurrent delivery attempts per registration
    # who delivers: a niced worker process, or tasks on the server's loop (bench/delivery.py)
    webhook_delivery: DeliveryMode = field(default_factory=webhook_delivery_from_env)
