"""Thin handlers for the emulated APIs: check headers, parse, call the backend, answer JSON."""

from __future__ import annotations

from aiohttp import web

from simulator import auth
from simulator.exceptions import PROBLEM_CONTENT_TYPE
from simulator.httputil import dumps, json_response, read_json
from simulator.models import EPaymentBackend
from simulator.ratelimit import RateLimiter

TOKEN_CONTENT_TYPE = "application/json;charset=UTF-8"
# The spec (1.8.1) declares the 200 of cancel/capture/refund as application/problem+json. That
# looks like a spec bug, but the real content type is UNCONFIRMED, so the simulator follows it.
MODIFICATION_CONTENT_TYPE = PROBLEM_CONTENT_TYPE


class EPaymentResponses:
    """One handler per operation, named by operationId."""

    def __init__(self, backend: EPaymentBackend, limiter: RateLimiter) -> None:
        self.backend = backend
        self.limiter = limiter

    async def access_token(self, request: web.Request) -> web.Response:
        body = auth.issue_access_token(request.headers, self.backend)
        return web.Response(body=dumps(body), headers={"Content-Type": TOKEN_CONTENT_TYPE})

    async def create_payment(self, request: web.Request) -> web.Response:
        unit = auth.authenticate(request.headers, self.backend)
        key = auth.idempotency_key(request.headers, required=True)
        body = await read_json(request, required=True)
        reference = body.get("reference") if isinstance(body, dict) else None
        self.limiter.check("create_payment", str(reference), unit.merchant_serial_number)
        result = self.backend.create_payment(unit.merchant_serial_number, body, key or "")
        return json_response(201, result)

    async def get_payment(self, request: web.Request) -> web.Response:
        unit = auth.authenticate(request.headers, self.backend)
        reference = request.match_info["reference"]
        self.limiter.check("get_payment", reference, unit.subscription_key)
        return json_response(200, self.backend.get_payment(unit.merchant_serial_number, reference))

    async def get_payment_event_log(self, request: web.Request) -> web.Response:
        unit = auth.authenticate(request.headers, self.backend)
        reference = request.match_info["reference"]
        self.limiter.check("get_payment_event_log", reference, unit.subscription_key)
        events = self.backend.get_payment_event_log(unit.merchant_serial_number, reference)
        return json_response(200, events)

    async def cancel_payment(self, request: web.Request) -> web.Response:
        return await self._modify(request, "cancel_payment", keyed=False)

    async def capture_payment(self, request: web.Request) -> web.Response:
        return await self._modify(request, "capture_payment", keyed=True)

    async def refund_payment(self, request: web.Request) -> web.Response:
        return await self._modify(request, "refund_payment", keyed=True)

    async def _modify(self, request: web.Request, operation: str, *, keyed: bool) -> web.Response:
        """Cancel, capture and refund share the wire: capture and refund need an Idempotency-Key
        and a body; cancel takes either (1.8.1 dropped its key, 1.4.1 required it)."""
        unit = auth.authenticate(request.headers, self.backend)
        key = auth.idempotency_key(request.headers, required=keyed)
        reference = request.match_info["reference"]
        self.limiter.check(operation, reference, unit.merchant_serial_number)
        body = await read_json(request, required=keyed)
        backend_call = getattr(self.backend, operation)
        result = backend_call(unit.merchant_serial_number, reference, body, key)
        return json_response(200, result, MODIFICATION_CONTENT_TYPE)

    async def force_approve(self, request: web.Request) -> web.Response:
        """200 with an empty body, as the spec and the test environment answer."""
        unit = auth.authenticate(request.headers, self.backend)
        reference = request.match_info["reference"]
        body = await read_json(request, required=False)
        self.backend.force_approve(unit.merchant_serial_number, reference, body)
        return web.Response(status=200)
