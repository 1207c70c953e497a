"""An exchange as a ready-to-paste curl command (quick-start form, secrets as placeholders)."""

from __future__ import annotations

import re
import shlex

from lib.exchange import Exchange
from lib.recorder.redaction import (
    PLACEHOLDER_PATTERN,
    SECRET_HEADERS,
    redact_json_fields,
    split_scheme,
)

# Set by the HTTP stack, not by the caller; curl adds its own.
_TRANSPORT_HEADERS = {"content-length", "host", "connection", "accept-encoding", "user-agent"}
# The quick start's order; other headers follow in the order they were sent.
_FIRST = [
    "content-type",
    "authorization",
    "client_id",
    "client_secret",
    "ocp-apim-subscription-key",
]
# Characters that are literal inside double quotes in POSIX shells.
_DOUBLE_QUOTE_SAFE = re.compile(r'^[^"$`\\!]*$')


def _placeholders(text: str) -> str:
    """`«redacted:access_token»` -> `<access_token>`, the docs' placeholder style."""
    return PLACEHOLDER_PATTERN.sub(lambda m: f"<{m.group(1)}>", text)


def _header_value(name: str, value: str) -> str:
    secret = SECRET_HEADERS.get(name.lower())
    if secret is None:
        return _placeholders(value)
    if name.lower() == "authorization":
        scheme, _ = split_scheme(value)
        if scheme is not None:
            return f"{scheme} <{secret if scheme.lower() == 'bearer' else 'credentials'}>"
    # Never the value itself, even if the exchange was not redacted.
    return f"<{secret}>"


def _quote(text: str) -> str:
    # Double quotes like the quick start when that is safe, else POSIX single quotes.
    return f'"{text}"' if _DOUBLE_QUOTE_SAFE.match(text) else shlex.quote(text)


def to_curl(exchange: Exchange) -> str:
    """`curl -X POST <url> \\ -H "Name: value" ... --data '<body>'`, one option per line."""
    lines = [f"curl -X {exchange.method.upper()} {shlex.quote(_placeholders(exchange.url))}"]
    headers = sorted(
        exchange.request_headers.items(),
        key=lambda kv: _FIRST.index(kv[0].lower()) if kv[0].lower() in _FIRST else len(_FIRST),
    )
    for name, value in headers:
        if name.lower() in _TRANSPORT_HEADERS:
            continue
        lines.append(f"-H {_quote(f'{name}: {_header_value(name, value)}')}")
    if exchange.request_body is not None:
        body = redact_json_fields(exchange.request_body) or ""
        lines.append(f"--data {shlex.quote(_placeholders(body))}")
    elif exchange.method.upper() in {"POST", "PUT", "PATCH"}:
        lines.append("--data ''")  # as the token call in the docs: an explicitly empty body
    return " \\\n".join(lines)
