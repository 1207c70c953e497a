"""Thin handlers of the emulated Webhooks API (same auth headers as ePayment): register, list,
delete."""

from __future__ import annotations

import uuid

from aiohttp import web

from simulator import auth
from simulator import exceptions as ex
from simulator.httputil import json_response, read_json
from simulator.models import EPaymentBackend
from simulator.webhooks.dispatcher import WebhookDispatcher


class WebhookResponses:
    """One handler per operation; the spec has no operationIds, so these names are ours."""

    def __init__(self, backend: EPaymentBackend, webhooks: WebhookDispatcher) -> None:
        self.backend = backend
        self.webhooks = webhooks

    async def register_webhook(self, request: web.Request) -> web.Response:
        """201 {id, secret}: the only time the secret is shown."""
        unit = auth.authenticate(request.headers, self.backend)
        body = await read_json(request, required=True)
        reg = self.webhooks.register(unit.merchant_serial_number, body)
        return json_response(201, {"id": reg.id, "secret": reg.secret})

    async def list_webhooks(self, request: web.Request) -> web.Response:
        unit = auth.authenticate(request.headers, self.backend)
        registrations = self.webhooks.registry.registrations(unit.merchant_serial_number)
        return json_response(200, {"webhooks": [r.to_json() for r in registrations]})

    async def delete_webhook(self, request: web.Request) -> web.Response:
        """204; an id that is not a UUID -> 400 naming `id`; unknown or another sales unit's id
        -> 404 (the spec declares only 400; what the real API answers is UNCONFIRMED)."""
        unit = auth.authenticate(request.headers, self.backend)
        webhook_id = request.match_info["id"]
        try:
            uuid.UUID(webhook_id)
        except ValueError as exc:
            raise ex.field_error("id", "The webhook id must be a UUID.") from exc
        self.webhooks.delete(unit.merchant_serial_number, webhook_id.lower())
        return web.Response(status=204)
