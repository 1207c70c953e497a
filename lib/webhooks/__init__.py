"""Webhooks: signature verification, a local receiver that records every delivery, event types."""

from lib.webhooks.events import (
    EPAYMENT_EVENT_NAMES,
    EPAYMENT_EVENTS,
    Delivery,
    ReceivedEvent,
    event_type,
    short_event,
)
from lib.webhooks.evidence import OPERATION, to_exchange
from lib.webhooks.receiver import DEFAULT_PATH, Registration, WebhookReceiver
from lib.webhooks.registration import register_receiver, unregister_receiver
from lib.webhooks.signature import DEFAULT_MAX_SKEW, Outcome, Verdict, content_hash, sign, verify

__all__ = [
    "DEFAULT_MAX_SKEW",
    "DEFAULT_PATH",
    "EPAYMENT_EVENTS",
    "EPAYMENT_EVENT_NAMES",
    "OPERATION",
    "Delivery",
    "Outcome",
    "ReceivedEvent",
    "Registration",
    "Verdict",
    "WebhookReceiver",
    "content_hash",
    "event_type",
    "register_receiver",
    "short_event",
    "sign",
    "to_exchange",
    "unregister_receiver",
    "verify",
]
