"""Webhook request authentication (HMAC-SHA256 over date, host and content hash), done once."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from enum import StrEnum
from urllib.parse import urlsplit

# No replay window or clock-skew rule is documented for x-ms-date (UNCONFIRMED, reference §10).
# Five minutes is our choice: wide enough for clock drift, narrow enough to refuse a replay.
DEFAULT_MAX_SKEW = timedelta(minutes=5)
SIGNED_HEADERS = "x-ms-date;host;x-ms-content-sha256"
SCHEME = "HMAC-SHA256"
_DEFAULT_PORTS = {"http": 80, "https": 443}


class Outcome(StrEnum):
    VERIFIED = "verified"
    MISSING_HEADERS = "missing_headers"
    MISSING_DATE = "missing_date"
    BAD_DATE = "bad_date"
    STALE_DATE = "stale_date"
    CONTENT_HASH_MISMATCH = "content_hash_mismatch"
    BAD_SIGNATURE = "bad_signature"
    # Receiver-level outcomes; verify() never returns these.
    NO_SECRET = "no_secret"  # nothing registered for the path it was posted to
    BAD_PAYLOAD = "bad_payload"  # authentic, but not a JSON event object


# What a receiver answers for each outcome: 400 for a malformed or altered request, 401 when
# the request is well formed but not authentic (forged, wrong secret, replayed).
HTTP_STATUS: dict[Outcome, int] = {
    Outcome.VERIFIED: 200,
    Outcome.MISSING_HEADERS: 400,
    Outcome.MISSING_DATE: 400,
    Outcome.BAD_DATE: 400,
    Outcome.CONTENT_HASH_MISMATCH: 400,
    Outcome.STALE_DATE: 401,
    Outcome.BAD_SIGNATURE: 401,
    Outcome.NO_SECRET: 401,
    Outcome.BAD_PAYLOAD: 400,
}


@dataclass(frozen=True)
class Verdict:
    """The result of verifying one delivery: `outcome` for code, `reason` for people."""

    outcome: Outcome
    reason: str

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.VERIFIED

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.outcome]


def content_hash(body: bytes) -> str:
    """base64(SHA-256(raw body)): the x-ms-content-sha256 value."""
    return base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def signed_host(url: str) -> str:
    """The host to sign for a registered URL: `host[:port]`, a default port omitted."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return host


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def string_to_sign(method: str, path_and_query: str, date: str, host: str, digest: str) -> str:
    return f"{method.upper()}\n{path_and_query}\n{date};{host};{digest}"


def signature(secret: str, message: str) -> str:
    # The key is the secret string's UTF-8 bytes as given, NOT its base64 decoding (reference §10).
    mac = hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")


def http_date(when: datetime) -> str:
    """RFC 1123 in GMT, e.g. `Thu, 30 Mar 2023 08:38:32 GMT`."""
    return format_datetime(when.astimezone(UTC).replace(microsecond=0), usegmt=True)


def sign(*, url: str, body: bytes, secret: str, date: str | datetime) -> dict[str, str]:
    """Headers a sender puts on a delivery to `url` (for tests and the bench, not the receiver)."""
    date_text = date if isinstance(date, str) else http_date(date)
    digest = content_hash(body)
    message = string_to_sign("POST", path_and_query(url), date_text, signed_host(url), digest)
    return {
        "Host": signed_host(url),
        "x-ms-date": date_text,
        "x-ms-content-sha256": digest,
        "Authorization": f"{SCHEME} SignedHeaders={SIGNED_HEADERS}&Signature="
        + signature(secret, message),
    }


def verify(
    *,
    method: str,
    path_and_query: str,
    host: str,
    headers: Mapping[str, str],
    body: bytes,
    secret: str,
    now: datetime,
    max_skew: timedelta | None = DEFAULT_MAX_SKEW,
) -> Verdict:
    """Checks one delivery: headers present, content hash of the raw body, HMAC, date window.

    `path_and_query` and `host` must be those of the REGISTERED url (the sender signs those), not
    whatever Host header arrived. `max_skew=None` turns the date window off (e.g. when the sender
    runs on a simulated clock that was moved forward).
    """
    h = {k.lower(): v for k, v in headers.items()}
    missing = [n for n in ("x-ms-content-sha256", "authorization") if not h.get(n)]
    if missing:
        return Verdict(Outcome.MISSING_HEADERS, f"missing header(s): {', '.join(missing)}")
    date_text = h.get("x-ms-date")
    if not date_text:
        return Verdict(Outcome.MISSING_DATE, "missing x-ms-date header")
    sent_at = _parse_date(date_text)
    if sent_at is None:
        return Verdict(Outcome.BAD_DATE, f"x-ms-date is not an RFC 1123 date: {date_text!r}")
    digest = h["x-ms-content-sha256"]
    if not hmac.compare_digest(digest.encode(), content_hash(body).encode()):
        return Verdict(
            Outcome.CONTENT_HASH_MISMATCH,
            "x-ms-content-sha256 does not match the body (altered in transit?)",
        )
    given = _signature_of(h["authorization"])
    if given is None:
        return Verdict(
            Outcome.BAD_SIGNATURE,
            f"Authorization is not '{SCHEME} SignedHeaders={SIGNED_HEADERS}&Signature=...'",
        )
    expected = signature(secret, string_to_sign(method, path_and_query, date_text, host, digest))
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return Verdict(
            Outcome.BAD_SIGNATURE,
            f"signature does not match (forged, wrong secret, or signed for another url; "
            f"checked host {host!r}, path {path_and_query!r})",
        )
    if max_skew is not None and abs(now - sent_at) > max_skew:
        return Verdict(
            Outcome.STALE_DATE,
            f"x-ms-date {date_text} is more than {max_skew.total_seconds():g} s from "
            f"{http_date(now)} (replayed or clock skew)",
        )
    return Verdict(Outcome.VERIFIED, "content hash, signature and date verified")


def _parse_date(text: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _signature_of(authorization: str) -> str | None:
    scheme, _, params = authorization.strip().partition(" ")
    if scheme != SCHEME:
        return None
    fields = dict(p.partition("=")[::2] for p in params.split("&"))
    if fields.get("SignedHeaders") != SIGNED_HEADERS or not fields.get("Signature"):
        return None
    return fields["Signature"]
