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
        unit = auth.authenticate(request.headers, self.backend)
        key = auth.idempotency_key(request.headers, required=False)
        reference = request.match_info["reference"]
        self.limiter.check("cancel_payment", reference, unit.merchant_serial_number)
        body = await read_json(request, required=False)
        result = self.backend.cancel_payment(unit.merchant_serial_number, reference, body, key)
        return json_response(200, result, MODIFICATION_CONTENT_TYPE)

    async def capture_payment(self, request: web.Request) -> web.Response:
        unit = auth.authenticate(request.headers, self.backend)
        key = auth.idempotency_key(request.headers, required=True) or ""
        reference = request.match_info["reference"]
        self.limiter.check("capture_payment", reference, unit.merchant_serial_number)
        body = await read_json(request, required=True)
        result = self.backend.capture_payment(unit.merchant_serial_number, reference, body, key)
        return json_response(200, result, MODIFICATION_CONTENT_TYPE)

    async def refund_payment(self, request: web.Request) -> web.Response:
        unit = auth.authenticate(request.headers, self.backend)
        key = auth.idempotency_key(request.headers, required=True) or ""
        reference = request.match_info["reference"]
        self.limiter.check("refund_payment", reference, unit.merchant_serial_number)
        body = await read_json(request, required=True)
        result = self.backend.refund_payment(unit.merchant_serial_number, reference, body, key)
        return json_response(200, result, MODIFICATION_CONTENT_TYPE)

    async def force_approve(self, request: web.Request) -> web.Response:
        """200 with an empty body, as the spec and the test environment answer."""
        unit = auth.authenticate(request.headers, self.backend)
        reference = request.match_info["reference"]
        body = await read_json(request, required=False)
        self.backend.force_approve(unit.merchant_serial_number, reference, body)
        return web.Response(status=200)
