"""WebhookDispatcher, the simulator's side of webhooks: registrations, settings and the attempt
log live here; events and changes go to the deliverer of the configured delivery mode."""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

from simulator.clock import iso
from simulator.webhooks.attempts import AttemptLog
from simulator.webhooks.loop_delivery import LoopDelivery
from simulator.webhooks.registry import Registration, WebhookRegistry
from simulator.webhooks.settings import DELIVERY_MODES, DeliveryMode, DeliverySettings
from simulator.webhooks.shaping import WebhookShaper
from simulator.webhooks.worker_link import WorkerDelivery


class Deliverer(Protocol):
    """What a delivery mode is told. Every call but open/close may come from any thread."""

    def registered(self, reg: Registration) -> None: ...
    def deleted(self, webhook_id: str) -> None: ...
    def settings_changed(self, settings: DeliverySettings) -> None: ...
    def reset(self, settings: DeliverySettings) -> None: ...
    def advance(self, seconds: float) -> None: ...
    def notify(self, msn: str, event: dict[str, Any]) -> None: ...
    async def open(self) -> None: ...  # on the server's loop, once it runs
    async def close(self) -> None: ...  # on the server's loop, before it stops
    def stop(self, timeout: float = 5.0) -> None: ...  # after the server's loop has stopped


class WebhookDispatcher:
    """`mode` "worker" (default): a worker process delivers (simulator/webhooks/worker_link.py);
    "loop": tasks on the server's own event loop (loop_delivery.py). bench/delivery.py measures
    what each costs the API."""

    def __init__(
        self,
        registry: WebhookRegistry,
        settings: DeliverySettings | None = None,
        mode: DeliveryMode = "worker",
    ) -> None:
        if mode not in DELIVERY_MODES:
            raise ValueError(f"webhook delivery mode must be one of {DELIVERY_MODES}, not {mode!r}")
        self.registry = registry
        self.mode = mode
        self._initial = settings or DeliverySettings()
        self._settings = dataclasses.replace(self._initial)
        self.log = AttemptLog()
        self.deliverer: Deliverer = (
            WorkerDelivery(registry, self.log, lambda: self._settings)
            if mode == "worker"
            else LoopDelivery(registry, self.log, self._settings)
        )
        self.shaper = WebhookShaper(registry, self._deliver)  # adversity, when armed

    # --- the API's and control plane's calls -----------------------------------------------

    @property
    def settings(self) -> DeliverySettings:
        return self._settings

    @settings.setter
    def settings(self, value: DeliverySettings) -> None:
        self._settings = value
        self.deliverer.settings_changed(value)

    def register(self, msn: str, body: Any) -> Registration:
        reg = self.registry.register(msn, body)
        self.deliverer.registered(reg)
        return reg

    def delete(self, msn: str, webhook_id: str) -> None:
        """deleteWebhook: its queued events are dropped before their next attempt."""
        self.registry.delete(msn, webhook_id)
        self.log.forget(webhook_id)
        self.deliverer.deleted(webhook_id)

    def reset(self) -> None:
        """Forget registrations, queued events and attempts; restore the settings."""
        self.registry.clear()
        self.shaper.clear()
        self.log.forget()
        self._settings = dataclasses.replace(self._initial)
        self.deliverer.reset(self._settings)

    def advance(self, seconds: float) -> None:
        """The simulated clock moved: pending retry waits shrink by as much schedule time."""
        self.deliverer.advance(seconds)

    def notify(self, msn: str, event: dict[str, Any]) -> None:
        """The backend listener (any thread, under the backend's lock): O(1), never blocks."""
        self.shaper.shape(msn, event)

    def _deliver(self, msn: str, event: dict[str, Any]) -> None:
        if self.registry.has_any(msn):
            self.deliverer.notify(msn, event)

    def to_control_json(self, msn: str | None = None) -> dict[str, Any]:
        """GET /_sim/webhooks: registrations (no secrets) with their delivery attempts."""
        webhooks = [
            {"msn": r.msn, **r.to_json(), "createdAt": iso(r.created_at), **self.log.to_json(r.id)}
            for r in self.registry.registrations(msn)
        ]
        return {"settings": self._settings.to_json(), "webhooks": webhooks}

    # --- lifecycle (the server calls these) -------------------------------------------------------

    async def open(self) -> None:
        await self.deliverer.open()

    async def close(self) -> None:
        await self.deliverer.close()

    def stop(self, timeout: float = 5.0) -> None:
        self.deliverer.stop(timeout)
