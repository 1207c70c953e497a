"""API paths matched as the real gateway matches them: without regard to the case of fixed parts.

The ePayment, access token and webhooks APIs sit behind Azure API Management, which matches an
operation's URL template case-insensitively; Vipps's own Postman collection relies on it
(`POST {{base_url}}/accessToken/get`). Path parameters keep their case: a reference is
case-sensitive. The control plane, landing page and QR image are the simulator's own and match
exactly. UNCONFIRMED beyond case (trailing or doubled slashes): not normalised here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sized

from aiohttp import web
from aiohttp.web_urldispatcher import (
    AbstractResource,
    AbstractRoute,
    UrlMappingMatchInfo,
    _InfoDict,
)
from yarl import URL

_VARIABLE = re.compile(r"\{([a-zA-Z_]+)\}")


def _pattern(template: str) -> re.Pattern[str]:
    """'/epayment/v1/payments/{reference}' -> fixed parts case-insensitive, parameters as sent."""
    parts, last = [], 0
    for match in _VARIABLE.finditer(template):
        parts.append(f"(?i:{re.escape(template[last : match.start()])})([^/]+)")
        last = match.end()
    parts.append(f"(?i:{re.escape(template[last:])})")
    return re.compile("".join(parts) + r"\Z")


class CaseInsensitivePaths:
    """Maps a path that differs from an API template only in case to the template's spelling."""

    def __init__(self, templates: Iterable[str]) -> None:
        self._templates = [(template, _pattern(template)) for template in templates]

    def canonical(self, raw_path: str) -> str | None:
        """The template's own spelling with the request's parameters, or None if no template."""
        for template, pattern in self._templates:
            if match := pattern.match(raw_path):
                values = iter(match.groups())

                def value(_: re.Match[str], found: Iterator[str] = values) -> str:
                    return next(found)

                return _VARIABLE.sub(value, template)
        return None


class GatewayFallback(AbstractResource, Sized):
    """Registered at "/", so the router asks it last, only for a path no route matched exactly;
    it answers with the match of the template's spelling of that path."""

    def __init__(self, router: web.UrlDispatcher, paths: CaseInsensitivePaths) -> None:
        super().__init__(name=None)
        self._router = router
        self._paths = paths

    @property
    def canonical(self) -> str:
        return "/"

    def url_for(self, **kwargs: str) -> URL:
        raise RuntimeError("the gateway fallback builds no URLs")

    async def resolve(self, request: web.Request) -> tuple[UrlMappingMatchInfo | None, set[str]]:
        path = self._paths.canonical(request.rel_url.raw_path)
        if path is None or path == request.rel_url.raw_path:
            return None, set()
        url = URL.build(path=path, query_string=request.rel_url.raw_query_string, encoded=True)
        found = await self._router.resolve(request.clone(rel_url=url))
        if isinstance(found.http_exception, web.HTTPMethodNotAllowed):
            return None, set(found.http_exception.allowed_methods)
        if found.http_exception is not None:
            return None, set()
        return found, set()

    def add_prefix(self, prefix: str) -> None:
        raise RuntimeError("the gateway fallback serves the root application only")

    def get_info(self) -> _InfoDict:
        return {"prefix": "/"}

    def raw_match(self, path: str) -> bool:
        return False

    def __len__(self) -> int:
        return 0

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(())


def match_api_paths_in_any_case(app: web.Application, templates: Iterable[str]) -> None:
    app.router.register_resource(GatewayFallback(app.router, CaseInsensitivePaths(templates)))
