"""The aiohttp application: routes from urls.py, one error/observer middleware, fault wrapping."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from simulator import exceptions as ex
from simulator.auth import JsonError
from simulator.config import SimulatorConfig
from simulator.control import ControlPlane
from simulator.faults import FaultInjector
from simulator.gateway_paths import match_api_paths_in_any_case
from simulator.httputil import json_response, problem_response
from simulator.landing import LandingPage
from simulator.models import EPaymentBackend
from simulator.observe import ObservedExchange
from simulator.own_address import CONTROL_PREFIX, check_control_request
from simulator.ratelimit import RateLimiter
from simulator.responses import EPaymentResponses
from simulator.timeouts import read_body
from simulator.urls import API_ROUTES, CONTROL_ROUTES, LANDING_ROUTES, WEBHOOK_ROUTES, Route
from simulator.webhooks import WebhookDispatcher, WebhookRegistry
from simulator.webhooks.api import WebhookResponses

log = logging.getLogger("simulator")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Dropped(Exception):
    """The connection was closed on purpose (fault injection); there is no response."""


def _drop(request: web.Request) -> None:
    if request.transport is not None:
        request.transport.abort()
    raise Dropped()


def with_faults(operation: str, handler: Handler, faults: FaultInjector) -> Handler:
    """Apply an armed fault: answer a status, drop before or after doing the work, or delay."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        # The request's sales unit and payment: adversity armed for one payment hits only it.
        msn = request.headers.get("Merchant-Serial-Number")
        fault = faults.take(operation, msn, request.match_info.get("reference"))
        if fault is None:
            return await handler(request)
        if fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
            return await handler(request)
        if fault.kind == "status":
            error = ex.InjectedFault(fault.status, operation)
            if fault.retry_after is not None:  # a 429 says when to come back, as the gateway does
                error.headers["Retry-After"] = str(fault.retry_after)
            raise error
        if fault.kind == "drop_before":
            _drop(request)
        # drop_after: the work is done (or refused) but the client never hears of it
        with contextlib.suppress(Exception):
            await handler(request)
        _drop(request)
        raise AssertionError("unreachable")

    return wrapped


def _render(exc: BaseException, request: web.Request) -> web.StreamResponse:
    if isinstance(exc, ex.RequestTimeout):  # the rest of that body is not awaited
        response = problem_response(exc, request.path)
        response.force_close()
        return response
    if isinstance(exc, ex.ProblemError):
        return problem_response(exc, request.path)
    if isinstance(exc, JsonError):
        return json_response(exc.status, exc.body)
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        return problem_response(ex.PayloadTooLarge("The request body is too large."), request.path)
    if isinstance(exc, web.HTTPMethodNotAllowed):
        return problem_response(
            ex.MethodNotAllowed(f"{request.method} is not allowed on {request.path}."), request.path
        )
    if isinstance(exc, web.HTTPException) and exc.status >= 400:
        return problem_response(ex.NotFound(f"No such resource: {request.path}"), request.path)
    log.exception("unexpected error in %s %s", request.method, request.path)
    return problem_response(ex.InternalError("Unexpected simulator error."), request.path)


def make_middleware(config: SimulatorConfig) -> Callable[..., Awaitable[web.StreamResponse]]:
    observer = config.observer

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            if request.path.startswith(CONTROL_PREFIX):
                check_control_request(request, config.host, config.public_url)
            await read_body(request, config.body_timeout_seconds)
            response = await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400:
                response = web.Response(status=exc.status, headers=exc.headers)
            else:
                response = _render(exc, request)
        except Dropped:
            if observer is not None:
                await _observe(observer, request, None)
            return web.Response(status=499)  # never reaches the client: the socket is gone
        except Exception as exc:
            response = _render(exc, request)
        if observer is not None:
            await _observe(observer, request, response)
        return response

    return middleware


async def _observe(
    observer: Callable[[ObservedExchange], None],
    request: web.Request,
    response: web.StreamResponse | None,
) -> None:
    try:
        body = await request.read()
    except Exception:  # e.g. a body over the size limit: not kept
        body = b""
    raw = getattr(response, "body", None) if response is not None else None
    exchange = ObservedExchange(
        method=request.method,
        path=request.path,
        query_string=request.query_string,
        request_headers=dict(request.headers),
        request_body=body,
        status=response.status if response is not None else None,
        response_headers=dict(response.headers) if response is not None else {},
        response_body=raw if isinstance(raw, bytes) else b"",
    )
    try:
        observer(exchange)
    except Exception:
        log.exception("observer failed")


def build_app(
    config: SimulatorConfig,
    backend: EPaymentBackend,
    limiter: RateLimiter,
    faults: FaultInjector,
    webhooks: WebhookDispatcher | None = None,
) -> web.Application:
    app = web.Application(
        middlewares=[make_middleware(config)], client_max_size=config.max_body_bytes
    )
    webhooks = webhooks or WebhookDispatcher(WebhookRegistry())  # unstarted: registers only
    api = EPaymentResponses(backend, limiter)
    hooks = WebhookResponses(backend, webhooks)
    add_routes(app, API_ROUTES, api, faults)
    add_routes(app, WEBHOOK_ROUTES, hooks, faults)
    add_routes(app, LANDING_ROUTES, LandingPage(backend))
    add_routes(app, CONTROL_ROUTES, ControlPlane(backend, limiter, faults, webhooks))
    match_api_paths_in_any_case(app, (r.path for r in (*API_ROUTES, *WEBHOOK_ROUTES)))
    return app


def add_routes(
    app: web.Application,
    routes: Sequence[Route],
    target: object,
    faults: FaultInjector | None = None,
) -> None:
    """Each route's handler is `target.<route.handler>`; with `faults`, armed faults apply (the
    emulated APIs), without, never (landing page, control plane)."""
    for route in routes:
        handler: Handler = getattr(target, route.handler)
        if faults is not None:
            handler = with_faults(route.operation or route.handler, handler, faults)
        app.router.add_route(route.method, route.path, handler)
