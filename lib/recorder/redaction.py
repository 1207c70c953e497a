"""Secret redaction for exchanges: by header name, by JSON field name and by registered value."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import replace
from typing import Any
from urllib.parse import quote, quote_plus

from lib.exchange import Exchange

# Header names are compared in lower case. client_id is an identifier, not a secret.
SECRET_HEADERS: dict[str, str] = {
    "client_secret": "client_secret",
    "ocp-apim-subscription-key": "subscription_key",
    "authorization": "access_token",
}
# JSON field names in bodies (token response, webhook registration `secret`, ...).
SECRET_FIELDS: dict[str, str] = {
    "access_token": "access_token",
    "client_secret": "client_secret",
    "secret": "secret",
    "refresh_token": "refresh_token",
}
# Values shorter than this are refused: redacting "12" everywhere would wreck the evidence.
MIN_SECRET_LENGTH = 6

_FORM_FIELD = re.compile(
    r"(?<![A-Za-z0-9_])(" + "|".join(sorted(SECRET_FIELDS, key=len, reverse=True)) + r")=([^&\s]+)"
)
PLACEHOLDER_PATTERN = re.compile(r"«redacted:([A-Za-z0-9_]+)»")


def placeholder(name: str) -> str:
    """The marker that stands in for a secret: obvious to a reader, easy to grep."""
    return f"«redacted:{name}»"


def _variants(value: str) -> set[str]:
    # A secret may travel percent-encoded in a URL or escaped inside JSON text.
    return {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}


class Redactor:
    """Removes secrets from exchanges. Thread-safe; learns secret values as it sees them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: dict[str, str] = {}  # variant -> placeholder name
        self._ordered: tuple[tuple[str, str], ...] = ()

    def add_secret(self, value: str | None, name: str = "secret") -> bool:
        """Registers a value to be replaced wherever it appears. Returns False if refused."""
        if not value or len(value) < MIN_SECRET_LENGTH or PLACEHOLDER_PATTERN.fullmatch(value):
            return False
        with self._lock:
            for variant in _variants(value):
                # A specific name ("client_secret") beats the generic one given by add_secret(v).
                if self._secrets.get(variant, "secret") == "secret":
                    self._secrets[variant] = name
            # Longest first, so a secret that contains another is replaced whole.
            self._ordered = tuple(
                sorted(self._secrets.items(), key=lambda kv: len(kv[0]), reverse=True)
            )
        return True

    def redact_text(self, text: str | None) -> str | None:
        """Value redaction (registered secrets) plus `name=value` form fields."""
        if not text:
            return text
        for value, name in self._ordered:  # a tuple: safe to read while another thread adds
            if value in text:
                text = text.replace(value, placeholder(name))
        return _FORM_FIELD.sub(_form_field_placeholder, text)

    def redact(self, exchange: Exchange) -> Exchange:
        """A redacted copy of `exchange`; the original is not modified."""
        self._learn(exchange)
        return replace(
            exchange,
            url=self.redact_text(exchange.url) or "",
            request_headers=self._headers(exchange.request_headers),
            response_headers=self._headers(exchange.response_headers),
            request_body=self.redact_text(redact_json_fields(exchange.request_body)),
            response_body=self.redact_text(redact_json_fields(exchange.response_body)),
            error=self.redact_text(exchange.error),
            step=self.redact_text(exchange.step),
        )

    def _learn(self, exchange: Exchange) -> None:
        # Values seen under a secret name are secrets everywhere else too (e.g. a token echoed
        # in an error text, or the token from a response reused in a later request).
        for headers in (exchange.request_headers, exchange.response_headers):
            for key, value in headers.items():
                name = SECRET_HEADERS.get(key.lower())
                if name:
                    self.add_secret(_credential(value), name)
        for body in (exchange.request_body, exchange.response_body):
            for field, value in _secret_fields(_parse_json(body)):
                self.add_secret(value, SECRET_FIELDS[field])

    def _headers(self, headers: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in headers.items():
            name = SECRET_HEADERS.get(key.lower())
            out[key] = _redact_header(key, value, name) if name else self.redact_text(value) or ""
        return out


def _form_field_placeholder(match: re.Match[str]) -> str:
    return f"{match.group(1)}={placeholder(SECRET_FIELDS[match.group(1)])}"


def split_scheme(value: str) -> tuple[str | None, str]:
    """`"Bearer abc"` -> `("Bearer", "abc")`; a value without an auth scheme -> `(None, value)`."""
    scheme, _, rest = value.partition(" ")
    if rest.strip() and scheme.replace("-", "").isalnum():  # Bearer, Basic, HMAC-SHA256
        return scheme, rest.strip()
    return None, value


def _credential(value: str) -> str:
    """The secret part of a header value: the token after `Bearer `, or the whole value."""
    return split_scheme(value)[1]


def _redact_header(key: str, value: str, name: str) -> str:
    if key.lower() != "authorization":
        return placeholder(name)
    scheme, _ = split_scheme(value)
    if scheme is None:
        return placeholder("authorization")
    # Keep the scheme: "Bearer «redacted:access_token»" still shows the header was well formed.
    return f"{scheme} {placeholder(name if scheme.lower() == 'bearer' else 'authorization')}"


def _parse_json(text: str | None) -> Any:
    if not text or text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # a hostile 100,000-deep body is text, not JSON, here
        return None


def _secret_fields(data: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in SECRET_FIELDS and isinstance(value, str):
                found.append((key, value))
            else:
                found.extend(_secret_fields(value))
    elif isinstance(data, list):
        for item in data:
            found.extend(_secret_fields(item))
    return found


def _scrub(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            k: placeholder(SECRET_FIELDS[k]) if k in SECRET_FIELDS and v is not None else _scrub(v)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_scrub(item) for item in data]
    return data


def redact_json_fields(text: str | None) -> str | None:
    """Replaces secret-named fields in a JSON body; other text is returned unchanged."""
    data = _parse_json(text)
    scrubbed = _scrub(data)
    if data is None or scrubbed == data:
        return text
    # Re-serialised only when something was redacted, so untouched bodies stay byte-identical.
    return json.dumps(scrubbed, ensure_ascii=False)
