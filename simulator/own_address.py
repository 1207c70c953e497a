"""The control plane answers only at the simulator's own address and acts only for its own pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from simulator import exceptions as ex

CONTROL_PREFIX = "/_sim/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
UNSPECIFIED = ("", "0.0.0.0", "::", "[::]")


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def own_hosts(request: web.Request, host: str, public_url: str | None) -> set[str]:
    """Every `Host` value naming this server: a loopback name, the bound host or the address the
    connection arrived at, each with the port it arrived on, and the public URL's host. IP
    literals and loopback names cannot be rebound by a foreign DNS name; a DNS name can."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    port = sockname[1] if sockname else None
    names = set(LOOPBACK_NAMES)
    if host not in UNSPECIFIED:
        names.add(_bracketed(host.lower()))
    if sockname:
        names.add(_bracketed(str(sockname[0]).lower()))
    hosts = {f"{name}:{port}" for name in names}
    if port == 80:  # a browser leaves the default port out
        hosts |= names
    if public_url:
        parts = urlsplit(public_url)
        hosts.add(parts.netloc.lower())
        if parts.hostname and parts.port is None:
            default = 443 if parts.scheme == "https" else 80
            hosts.add(f"{_bracketed(parts.hostname)}:{default}")
    return hosts


def own_origins(hosts: set[str], public_url: str | None) -> set[str]:
    origins = {f"http://{h}" for h in hosts}
    if public_url:
        parts = urlsplit(public_url)
        origins.add(f"{parts.scheme}://{parts.netloc}".lower())
    return origins


def check_control_request(request: web.Request, host: str, public_url: str | None) -> None:
    """403 for a control-plane request whose Host is not this server (DNS rebinding: a page of a
    foreign name that resolves here would read the sales units' keys) or, for a state-changing
    call, whose Origin is another site (a page's `fetch(..., {mode: 'no-cors'})` would approve,
    reject, expire or reset). No Origin (curl, requests, the dashboard's server side) is fine."""
    hosts = own_hosts(request, host, public_url)
    given = request.headers.get("Host", "").strip().lower()
    if given not in hosts:
        raise ex.Forbidden(
            f"Host {given!r} is not this simulator's address; the control plane answers only "
            "at its own address (127.0.0.1, localhost or the public URL) and port."
        )
    origin = request.headers.get("Origin")
    if request.method in SAFE_METHODS or origin is None:
        return
    if origin.strip().lower() not in own_origins(hosts, public_url):
        raise ex.Forbidden(
            f"Origin {origin!r} is another site; the control plane does not act for it."
        )
