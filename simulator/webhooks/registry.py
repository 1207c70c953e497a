"""Webhook registrations per sales unit: register (validated), list, delete, match an event."""

from __future__ import annotations

import base64
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from simulator import exceptions as ex

EPAYMENT_NAMES = (
    "CREATED",
    "AUTHORIZED",
    "ABORTED",
    "EXPIRED",
    "CANCELLED",
    "CAPTURED",
    "REFUNDED",
    "TERMINATED",
)
EPAYMENT_EVENTS = tuple(f"epayments.payment.{n.lower()}.v1" for n in EPAYMENT_NAMES)
MAX_PER_EVENT = 25  # "At most 25 webhooks can currently be registered per event" (spec)
MAX_URL_LENGTH = 2048  # not documented; keeps the control plane and logs sane
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOOPBACK_ONLY = (
    "The simulator delivers webhooks only to loopback URLs (http or https on 127.0.0.1, "
    "localhost or [::1]); the real API needs a public HTTPS URL."
)


def event_type(name: str) -> str:
    """The webhook type of an event-log name: AUTHORIZED -> epayments.payment.authorized.v1."""
    return f"epayments.payment.{name.lower()}.v1"


@dataclass(frozen=True)
class Registration:
    id: str
    msn: str
    url: str
    events: tuple[str, ...]
    secret: str  # shown once in the 201; never listed
    created_at: float

    def to_json(self) -> dict[str, Any]:
        """The Webhook schema of GET /webhooks/v1/webhooks (no secret)."""
        return {"id": self.id, "url": self.url, "events": list(self.events)}


def new_secret() -> str:
    """88 base64 characters, the shape of the documented example secret (64 random bytes)."""
    return base64.b64encode(secrets.token_bytes(64)).decode()


def check_url(url: Any) -> str:
    if url is None:
        raise ex.field_error("url", "url is required.")
    if not isinstance(url, str):
        raise ex.field_error("url", "url must be a string.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ex.field_error("url", f"url is not a valid URL: {exc}") from exc
    if len(url) > MAX_URL_LENGTH or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ex.field_error("url", "url must be an absolute http(s) URL.")
    if parts.username or parts.password or parts.fragment or any(c.isspace() for c in url):
        raise ex.field_error("url", "url must not hold credentials, a fragment or spaces.")
    if parts.hostname not in LOOPBACK_HOSTS:
        raise ex.field_error("url", LOOPBACK_ONLY)
    return url


def check_events(events: Any) -> tuple[str, ...]:
    if events is None:
        raise ex.field_error("events", "events is required.")
    if not isinstance(events, list) or not events:
        raise ex.field_error("events", "events must be a non-empty array of event names.")
    for name in events:
        if name not in EPAYMENT_EVENTS:
            known = ", ".join(EPAYMENT_EVENTS)
            raise ex.field_error(
                "events", f"Unknown event {name!r}; the simulator sends only: {known}."
            )
    return tuple(dict.fromkeys(events))  # duplicates collapse, order kept


class WebhookRegistry:
    """Thread-safe: the API registers on the server's loop; deliveries read on their own thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, Registration] = {}
        self._msns: dict[str, int] = {}  # msn -> number of registrations, for notify's fast path

    def register(self, msn: str, body: Any) -> Registration:
        """registerWebhook: validate {url, events}; at most 25 registrations per event and MSN."""
        if not isinstance(body, dict):
            raise ex.field_error("body", "The body must be a JSON object with url and events.")
        url, events = check_url(body.get("url")), check_events(body.get("events"))
        with self._lock:
            for name in events:
                used = sum(1 for r in self._by_id.values() if r.msn == msn and name in r.events)
                if used >= MAX_PER_EVENT:
                    raise ex.field_error(
                        "events",
                        f"At most {MAX_PER_EVENT} webhooks can be registered per event: "
                        f"{name} has {used} for MSN {msn}.",
                    )
            reg = Registration(str(uuid.uuid4()), msn, url, events, new_secret(), time.time())
            self._by_id[reg.id] = reg
            self._msns[msn] = self._msns.get(msn, 0) + 1
        return reg

    def add(self, reg: Registration) -> None:
        """A registration made elsewhere (the delivery worker's copy of the API's registry)."""
        with self._lock:
            if reg.id not in self._by_id:
                self._msns[reg.msn] = self._msns.get(reg.msn, 0) + 1
            self._by_id[reg.id] = reg

    def remove(self, webhook_id: str) -> None:
        with self._lock:
            reg = self._by_id.pop(webhook_id, None)
            if reg is not None:
                self._msns[reg.msn] -= 1

    def registrations(self, msn: str | None = None) -> list[Registration]:
        """listWebhooks: every registration, or one sales unit's."""
        with self._lock:
            return [r for r in self._by_id.values() if msn in (None, r.msn)]

    def delete(self, msn: str, webhook_id: str) -> Registration:
        """deleteWebhook: 404 for an unknown id or one of another sales unit (not revealed)."""
        with self._lock:
            reg = self._by_id.get(webhook_id)
            if reg is None or reg.msn != msn:
                raise ex.NotFound(f"No webhook with id {webhook_id} for MSN {msn}.")
            del self._by_id[webhook_id]
            self._msns[msn] -= 1
            return reg

    def get(self, webhook_id: str) -> Registration | None:
        return self._by_id.get(webhook_id)

    def has_any(self, msn: str) -> bool:
        """O(1), lock-free read: the backend listener's test before it hands anything over."""
        return self._msns.get(msn, 0) > 0

    def matching(self, msn: str, event: str) -> list[Registration]:
        with self._lock:
            return [r for r in self._by_id.values() if r.msn == msn and event in r.events]

    def clear(self) -> None:
        with self._lock:
            self._by_id.clear()
            self._msns.clear()
