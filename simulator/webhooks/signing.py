"""The webhook request signature (reference §10): content hash, string to sign, HMAC-SHA256."""

from __future__ import annotations

import base64
import hashlib
import hmac
from email.utils import formatdate
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
SCHEME = "HMAC-SHA256"
SIGNED_HEADERS = "x-ms-date;host;x-ms-content-sha256"


def content_hash(body: bytes) -> str:
    """x-ms-content-sha256: base64 of the SHA-256 of the raw body bytes."""
    return base64.b64encode(hashlib.sha256(body).digest()).decode()


def rfc1123(timestamp: float) -> str:
    """x-ms-date, e.g. `Thu, 30 Mar 2023 08:38:32 GMT`."""
    return formatdate(timestamp, usegmt=True)


def host_and_path(url: str) -> tuple[str, str]:
    """The `host` (without a default port) and `pathAndQuery` of a registered URL, as signed."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets in the Host header
        host = f"[{host}]"
    if parts.port is not None and parts.port != DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    return host, f"{path}?{parts.query}" if parts.query else path


def signature(secret: str, path_and_query: str, date: str, host: str, body_hash: str) -> str:
    """base64(HMAC-SHA256(key = the secret's UTF-8 bytes, as given, not base64-decoded,
    message = `POST\\n{pathAndQuery}\\n{date};{host};{hash}`)) - the one place deliveries sign."""
    message = f"POST\n{path_and_query}\n{date};{host};{body_hash}"
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_headers(url: str, secret: str, body: bytes, timestamp: float) -> dict[str, str]:
    """Host, x-ms-date, x-ms-content-sha256 and Authorization for one delivery attempt."""
    host, path_and_query = host_and_path(url)
    date = rfc1123(timestamp)
    body_hash = content_hash(body)
    sig = signature(secret, path_and_query, date, host, body_hash)
    return {
        "Host": host,
        "x-ms-date": date,
        "x-ms-content-sha256": body_hash,
        "Authorization": f"{SCHEME} SignedHeaders={SIGNED_HEADERS}&Signature={sig}",
    }
