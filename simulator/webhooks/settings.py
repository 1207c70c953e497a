"""Delivery settings (mode, timeout, retry scale, concurrency) and their control-plane update."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from simulator import exceptions as ex
from simulator.webhooks.attempts import GIVE_UP_AFTER

DeliveryMode = Literal["worker", "loop"]  # a niced worker process, or the server's own loop
DELIVERY_MODES: tuple[DeliveryMode, ...] = ("worker", "loop")


@dataclass
class DeliverySettings:
    timeout_seconds: float = 10.0  # no answer within this is a failure (documented: 10 s)
    retry_scale: float = 1.0  # multiplies every retry delay: 0.01 turns 7 days into ~100 min
    max_in_flight: int = 16  # concurrent attempts per registration (its payments in parallel)
    give_up_seconds: float = GIVE_UP_AFTER  # on the unscaled schedule

    def to_json(self) -> dict[str, Any]:
        return {
            "timeoutSeconds": self.timeout_seconds,
            "retryScale": self.retry_scale,
            "maxInFlight": self.max_in_flight,
            "giveUpSeconds": self.give_up_seconds,
        }


SETTING_FIELDS = {"retryScale": "retry_scale", "timeoutSeconds": "timeout_seconds"}


def updated_settings(settings: DeliverySettings, body: Any) -> DeliverySettings:
    """POST /_sim/webhooks/settings: positive numbers for retryScale and timeoutSeconds (at most
    a day), an integer 1..1000 for maxInFlight; anything else is a 400 naming the field."""
    if not isinstance(body, dict):
        raise ex.field_error("body", "The body must be a JSON object.")
    changes: dict[str, Any] = {}
    for name, value in body.items():
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if name in SETTING_FIELDS and number and 0 < value <= 86400:
            changes[SETTING_FIELDS[name]] = float(value)
        elif name == "maxInFlight" and number and value == int(value) and 1 <= value <= 1000:
            changes["max_in_flight"] = int(value)
        else:
            raise ex.field_error(name, f"{name} is not a setting or is out of range.")
    return dataclasses.replace(settings, **changes)


def settings_message(op: str, settings: DeliverySettings) -> dict[str, Any]:
    """The worker's instruction carrying the settings (op "settings" or "reset")."""
    return {"op": op, "settings": dataclasses.asdict(settings)}
