"""The control plane under /_sim/: health, sales units, payments, reset, clock, actions, faults,
adversity."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator import exceptions as ex
from simulator.adversity import Adversity
from simulator.faults import Fault, FaultInjector
from simulator.httputil import json_response, read_json
from simulator.listing import payments_response
from simulator.models import EPaymentBackend
from simulator.ratelimit import RateLimiter
from simulator.transitions import TransitionPolicy
from simulator.webhooks import WebhookDispatcher, WebhookRegistry
from simulator.webhooks.settings import updated_settings

MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600  # ten years: far enough, and dates stay valid


def advance_seconds(body: Any) -> float:
    """{"seconds": N} with 0 <= N <= ten years; anything else is a 400 naming `seconds`."""
    seconds: Any = body.get("seconds") if isinstance(body, dict) else None
    number = isinstance(seconds, int | float) and not isinstance(seconds, bool)
    if not number or not 0 <= seconds <= MAX_ADVANCE_SECONDS:  # `not <=` also refuses NaN
        raise ex.field_error(
            "seconds", f"seconds must be a number from 0 to {MAX_ADVANCE_SECONDS}."
        )
    return float(seconds)


class ControlPlane:
    """No auth: it exists only on the simulator, which binds 127.0.0.1 unless told otherwise."""

    def __init__(
        self,
        backend: EPaymentBackend,
        limiter: RateLimiter,
        faults: FaultInjector,
        webhooks: WebhookDispatcher | None = None,
    ) -> None:
        self.backend = backend
        self.limiter = limiter
        self.faults = faults
        self.webhooks = webhooks or WebhookDispatcher(WebhookRegistry())
        self.adversity = Adversity(backend, faults, self.webhooks)

    async def health(self, request: web.Request) -> web.Response:
        return json_response(200, {"status": "ok"})

    async def sales_units(self, request: web.Request) -> web.Response:
        return json_response(200, [u.public_dict() for u in self.backend.sales_units])

    async def payments(self, request: web.Request) -> web.Response:
        return payments_response(self.backend, request)  # a page at a time (?limit=&offset=)

    async def payment(self, request: web.Request) -> web.Response:
        msn, reference = request.match_info["msn"], request.match_info["reference"]
        return json_response(200, self.backend.payment_summary(msn, reference))

    async def reset(self, request: web.Request) -> web.Response:
        self.backend.reset()
        self.limiter.reset()
        self.faults.clear()
        self.adversity.clear(history=True)
        self.webhooks.reset()
        return json_response(200, {"status": "reset"})

    async def advance_clock(self, request: web.Request) -> web.Response:
        seconds = advance_seconds(await read_json(request, required=True))
        self.backend.clock.advance(seconds)
        self.backend.sweep()
        self.webhooks.advance(seconds)
        self.adversity.tick()  # timed approvals count simulated seconds
        return json_response(200, {"offsetSeconds": self.backend.clock.offset})

    async def user_action(self, request: web.Request) -> web.Response:
        msn, reference = request.match_info["msn"], request.match_info["reference"]
        action = request.match_info["action"]
        state = getattr(self.backend, action)(msn, reference)
        return json_response(200, {"reference": reference, "state": state})

    async def transitions(self, request: web.Request) -> web.Response:
        """GET shows, POST sets the CREATED -> AUTHORIZED policy: {"mode", "polls", "seconds"}."""
        if request.method == "POST":
            body = await read_json(request, required=True)
            try:
                self.backend.transition = TransitionPolicy(
                    **(body if isinstance(body, dict) else {})
                )
            except (TypeError, ValueError) as exc:
                raise ex.field_error("mode", str(exc)) from exc
        return json_response(200, self.backend.transition.to_dict())

    async def add_fault(self, request: web.Request) -> web.Response:
        body = await read_json(request, required=True)
        try:
            fault = Fault.from_json(body)
        except ValueError as exc:
            raise ex.field_error("fault", str(exc)) from exc
        self.faults.add(fault)
        return json_response(201, fault.to_json())

    async def list_faults(self, request: web.Request) -> web.Response:
        return json_response(200, self.faults.list())

    async def webhook_deliveries(self, request: web.Request) -> web.Response:
        """Registrations (no secrets) with their delivery attempts, `?msn=` to filter."""
        return json_response(200, self.webhooks.to_control_json(request.query.get("msn")))

    async def webhook_settings(self, request: web.Request) -> web.Response:
        """GET shows, POST changes {"retryScale", "timeoutSeconds", "maxInFlight"} (reset
        restores the configured values)."""
        if request.method == "POST":
            body = await read_json(request, required=True)
            self.webhooks.settings = updated_settings(self.webhooks.settings, body)
        return json_response(200, self.webhooks.settings.to_json())

    async def clear_faults(self, request: web.Request) -> web.Response:
        self.faults.clear()
        return json_response(200, [])

    async def arm_adversity(self, request: web.Request) -> web.Response:
        """{"msn", "behaviour", "seconds"?, "count"?}: queued for the next payment the sales
        unit creates (simulator/adversity.py lists the behaviours)."""
        armed = self.adversity.arm(await read_json(request, required=True))
        return json_response(201, armed.to_json())

    async def list_adversity(self, request: web.Request) -> web.Response:
        return json_response(200, self.adversity.to_json())

    async def clear_adversity(self, request: web.Request) -> web.Response:
        self.adversity.clear()
        return json_response(200, self.adversity.to_json())
