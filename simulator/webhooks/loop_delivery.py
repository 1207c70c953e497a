"""LoopDelivery: webhook delivery as asyncio tasks on the simulator server's own event loop."""

from __future__ import annotations

from typing import Any

from simulator.webhooks.attempts import AttemptLog
from simulator.webhooks.delivery import DeliveryEngine
from simulator.webhooks.registry import Registration, WebhookRegistry
from simulator.webhooks.settings import DeliverySettings


class LoopDelivery:
    """The engine shares the dispatcher's registry, attempt log and settings object, so a
    registration, a delete or a change of settings needs no message. It delivers between open()
    and close(), which the server awaits on its loop."""

    def __init__(
        self, registry: WebhookRegistry, log: AttemptLog, settings: DeliverySettings
    ) -> None:
        self.engine = DeliveryEngine(registry, settings, log)
        self.engine.settings = settings  # the same object: changed in place, changed here

    def registered(self, reg: Registration) -> None:
        """Nothing to do: the shared registry holds it."""

    def deleted(self, webhook_id: str) -> None:
        """Nothing to do: its queues stop before their next attempt (the registry tells them)."""

    def settings_changed(self, settings: DeliverySettings) -> None:
        self.engine.settings = settings

    def reset(self, settings: DeliverySettings) -> None:
        self.engine.reset(settings)

    def advance(self, seconds: float) -> None:
        self.engine.advance(seconds)

    def notify(self, msn: str, event: dict[str, Any]) -> None:
        self.engine.notify(msn, event)

    async def open(self) -> None:
        await self.engine.open()

    async def close(self) -> None:
        await self.engine.close()

    def stop(self, timeout: float = 5.0) -> None:
        """Nothing to do: close() ran on the server's loop."""
