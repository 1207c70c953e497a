"""A request body that stops arriving gets 408; one that keeps coming, however slowly, is read."""

from __future__ import annotations

import asyncio

from aiohttp import web

from simulator import exceptions as ex


async def read_body(request: web.Request, idle_seconds: float) -> None:
    """Read the request's body now (aiohttp keeps it for `request.read()`), allowing at most
    `idle_seconds` without a byte: a stalled sender gets 408 and the connection closes, a slow
    but live one is read to the end (nginx's client_body_timeout). The request head has its
    own limit: aiohttp's keep-alive timer (SimulatorServer passes `idle_timeout_seconds`)."""
    stream = request.content
    if not request.body_exists or stream.is_eof():
        await request.read()  # all there already (or nothing): no watchdog needed
        return
    reading = asyncio.ensure_future(request.read())
    seen = stream.total_bytes
    try:
        while True:
            done, _ = await asyncio.wait({reading}, timeout=idle_seconds)
            if done:
                reading.result()  # 413 from aiohttp's size limit, or the body is kept
                return
            if stream.total_bytes == seen:
                raise ex.RequestTimeout(
                    f"No part of the request body arrived for {idle_seconds:g} s."
                )
            seen = stream.total_bytes
    finally:
        reading.cancel()
