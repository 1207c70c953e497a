"""GET /_sim/payments a page at a time: `limit` and `offset`, the total and the next page's link."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from simulator import exceptions as ex
from simulator.httputil import json_response
from simulator.models import EPaymentBackend

MAX_PAGE = 1000  # ~750 kB of JSON: one page never holds the loop or the lock for long


def _number(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise ex.field_error(name, f"{name} must be an integer from {low} to {high}.")
    return int(raw)


def payments_page(
    backend: EPaymentBackend, query: Mapping[str, str], path: str = "/_sim/payments"
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The page's payments (a JSON list, as before paging) and its headers: `X-Total-Count`,
    and `Link: <...>; rel="next"` (RFC 8288) while payments remain. Oldest first; `?msn=`
    filters; `limit` 1..1000 (default 1000), `offset` from 0."""
    msn = query.get("msn")
    limit = _number(query, "limit", MAX_PAGE, 1, MAX_PAGE)
    offset = _number(query, "offset", 0, 0, 10**12)
    items = backend.list_payments(msn, offset=offset, limit=limit)
    total = backend.count_payments(msn)
    headers = {"X-Total-Count": str(total)}
    if offset + len(items) < total:
        after = {**({"msn": msn} if msn else {}), "limit": limit, "offset": offset + len(items)}
        headers["Link"] = f'<{path}?{urlencode(after)}>; rel="next"'
    return items, headers


def payments_response(backend: EPaymentBackend, request: web.Request) -> web.Response:
    """The control plane's handler body: `return payments_response(self.backend, request)`."""
    items, headers = payments_page(backend, request.query, request.path)
    return json_response(200, items, headers=headers)
