"""The dashboard's receiver: one per process, registered once per simulator and sales unit.

One port and one registration per (simulator, sales unit), so browser reloads never pile up
registrations against the 25-per-event limit; the evidence of each delivery still goes to the
session that knows its payment (`SessionEvidence`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lib.epayment import EPaymentClient, EPaymentError
from lib.recorder import Recorder
from lib.settings import Settings
from lib.simulator_control import SimulatorControl, SimulatorControlError
from lib.webhooks.events import EPAYMENT_EVENTS
from lib.webhooks.receiver import Registration, WebhookReceiver
from lib.webhooks.registration import register_receiver
from lib.webhooks.router import SessionEvidence

Key = tuple[str, str]  # (base_url, merchant serial number)


def attempts_by_registration(
    control: SimulatorControl, msn: str
) -> dict[str, list[dict[str, Any]]]:
    """The simulator's side: registration id -> its delivery attempts, newest first."""
    listed = control.webhook_attempts(msn).get("webhooks") or []
    return {str(w.get("id")): list(reversed(w.get("attempts") or [])) for w in listed}


def key_of(settings: Settings) -> Key:
    return settings.base_url, settings.merchant_serial_number


@dataclass
class LocalWebhooks:
    """The process-wide receiver and what it is registered for: (base_url, msn) -> id."""

    receiver: WebhookReceiver
    evidence: SessionEvidence
    registered: dict[Key, str] = field(default_factory=dict)
    declined: set[Key] = field(default_factory=set)  # the user deleted ours
    lock: threading.Lock = field(default_factory=threading.Lock)
    controls: dict[str, SimulatorControl] = field(default_factory=dict)

    @classmethod
    def start(cls) -> LocalWebhooks:
        """A receiver on 127.0.0.1 (any free port) whose evidence goes to the sessions."""
        evidence = SessionEvidence()
        return cls(WebhookReceiver(recorder=evidence, port=0, target="simulator").start(), evidence)

    def url_for(self, settings: Settings) -> str:
        return self.receiver.url_for(settings.merchant_serial_number)

    def is_ours(self, url: str) -> bool:
        return url.startswith(self.receiver.url)

    def control(self, base_url: str) -> SimulatorControl:
        return self.controls.setdefault(base_url, SimulatorControl(base_url))

    def attempts(self, settings: Settings) -> dict[str, list[dict[str, Any]]]:
        """Registration id -> delivery attempts, from the simulator's control plane."""
        return attempts_by_registration(
            self.control(settings.base_url), settings.merchant_serial_number
        )

    def register(
        self, client: EPaymentClient, url: str, events: Sequence[str] = EPAYMENT_EVENTS
    ) -> Registration:
        """Register `url` (ours) for `events`; the receiver keeps the secret, no UI sees it."""
        return register_receiver(client, self.receiver, events, url=url)

    def ensure(self, settings: Settings, make_client: Callable[[], EPaymentClient]) -> str | None:
        """Ours registered for every event on this simulator and sales unit, unless the user
        deleted it. Checked on the control plane (a simulator reset forgets registrations);
        `make_client` is called only to register. Returns a problem, or None."""
        key = key_of(settings)
        with self.lock:
            if key in self.declined:
                return None
            try:
                known = self.registered.get(key)
                if known in self.attempts(settings):
                    return None
                if known:  # the simulator was reset: the secret is void, and a seeded simulator
                    self.receiver.remove_registration(known)  # repeats pspReferences, which the
                    self.receiver.clear()  # dedupe memory would take for duplicates
                ours = self.register(make_client(), self.url_for(settings))
                self.registered[key] = str(ours.id)
            except (EPaymentError, ValueError, SimulatorControlError) as err:
                return f"Could not register the webhook receiver: {err}"
        return None

    def own_client(self, settings: Settings, fallback: Recorder) -> EPaymentClient:
        """A client of the dashboard's own, so no session's walk-through starts with calls it
        did not make; its evidence goes to the dashboard's run (or `fallback`)."""
        recorder = self.evidence.process_recorder() or fallback
        for secret in settings.secrets:
            recorder.add_secret(secret)
        return EPaymentClient(settings, recorder=recorder)

    def forget(self, settings: Settings, webhook_id: str) -> None:
        """After a delete: the receiver drops the secret; ours is not re-registered by itself."""
        self.receiver.remove_registration(webhook_id)
        key = key_of(settings)
        with self.lock:
            if self.registered.get(key) == webhook_id:
                del self.registered[key]
                self.declined.add(key)

    def declined_for(self, settings: Settings) -> bool:
        return key_of(settings) in self.declined

    def reregister(self, settings: Settings, client: EPaymentClient) -> str | None:
        """After the user deleted ours: register the receiver again (a new id and secret)."""
        with self.lock:
            self.declined.discard(key_of(settings))
        return self.ensure(settings, lambda: client)
