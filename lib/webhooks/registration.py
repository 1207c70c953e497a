"""Register a local receiver with the Webhooks API (simulator or a tunnel) and forget it again."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from lib.webhooks.events import EPAYMENT_EVENTS
from lib.webhooks.receiver import Registration, WebhookReceiver

if TYPE_CHECKING:
    from lib.epayment import EPaymentClient


def register_receiver(
    client: EPaymentClient,
    receiver: WebhookReceiver,
    events: Iterable[str] = EPAYMENT_EVENTS,
    *,
    label: str | None = None,
    url: str | None = None,
) -> Registration:
    """Registers `url` (default: the receiver's own, one path per `label`) for `events` through
    `client.register_webhook`, and hands the returned secret to the receiver (and its recorder).

    Give `url` when the sender reaches the receiver through something else (an HTTPS tunnel to
    this port): the signature is over that URL's host and path, and the path must be the one
    the tunnel forwards to.
    """
    target = url or receiver.url_for(label)
    result = client.register_webhook(target, list(events))
    data = result.data if isinstance(result.data, dict) else {}
    secret, webhook_id = data.get("secret"), data.get("id")
    if not secret:
        raise ValueError(f"register_webhook answered {result.status} without a secret")
    return receiver.add_registration(target, str(secret), str(webhook_id) if webhook_id else None)


def unregister_receiver(
    client: EPaymentClient, receiver: WebhookReceiver, registration_id: str
) -> None:
    """Deletes the registration (204) and stops accepting deliveries signed with its secret."""
    client.delete_webhook(registration_id)
    receiver.remove_registration(registration_id)
