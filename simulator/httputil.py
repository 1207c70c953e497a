"""Small aiohttp helpers: JSON and problem responses, and reading a JSON body defensively."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from simulator import exceptions as ex
from simulator.validation import lone_surrogate_at

JSON = "application/json"


def dumps(data: Any) -> bytes:
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode()
    except UnicodeEncodeError:  # a lone surrogate from an in-process caller: escape, never fail
        return json.dumps(data, separators=(",", ":")).encode()


def json_response(
    status: int, data: Any, content_type: str = JSON, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(status=status, body=dumps(data), content_type=content_type, headers=headers)


def problem_response(exc: ex.ProblemError, path: str) -> web.Response:
    status, headers, body = ex.render_problem(exc, path)
    return web.Response(status=status, body=body, headers=headers)


def is_json_type(content_type: str) -> bool:
    return content_type == JSON or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


async def read_json(request: web.Request, required: bool) -> Any:
    """The parsed body, or None when it is empty and optional. Never raises anything but
    ProblemError (400 malformed/missing, 413 too large via aiohttp, 415 wrong content type).

    A lone surrogate (`"\\ud800"`) is valid JSON syntax but no text: JSON between systems must
    be UTF-8 (RFC 8259 §8.1), and a .NET gateway (System.Text.Json: "invalid surrogate")
    refuses it with 400. So does the simulator, naming the field (the live answer is
    UNCONFIRMED); stored, it could be neither rendered nor sent as UTF-8 later."""
    raw = await request.read()
    if not raw.strip():
        if required:
            raise ex.field_error("body", "A non-empty request body is required.")
        return None
    if not is_json_type(request.content_type):
        raise ex.UnsupportedMediaType(
            f"Content-Type {request.content_type!r} is not supported; send application/json."
        )
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ex.field_error(
            "body", f"The request body is not valid JSON: {str(exc)[:200]}"
        ) from exc
    where = lone_surrogate_at(body)
    if where is not None:
        reason = f"The field {where} holds a lone UTF-16 surrogate, which is not valid text."
        raise ex.field_error(where, reason)
    return body
