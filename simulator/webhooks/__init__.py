"""The Webhooks API and the signed delivery of ePayment events to registered loopback URLs."""

from simulator.webhooks.delivery import DeliveryEngine, webhook_payload
from simulator.webhooks.dispatcher import WebhookDispatcher
from simulator.webhooks.registry import EPAYMENT_EVENTS, Registration, WebhookRegistry
from simulator.webhooks.settings import DeliverySettings
from simulator.webhooks.signing import content_hash, signature, signed_headers

__all__ = [
    "EPAYMENT_EVENTS",
    "DeliveryEngine",
    "DeliverySettings",
    "Registration",
    "WebhookDispatcher",
    "WebhookRegistry",
    "content_hash",
    "signature",
    "signed_headers",
    "webhook_payload",
]
