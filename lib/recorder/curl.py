"""An exchange as a ready-to-paste curl command (quick-start form, secrets as placeholders)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping

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
NEXT_LINE = " \\\n"  # between a command's options: one option per line
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


def header_options(headers: Mapping[str, str]) -> list[str]:
    """The `-H "Name: value"` options: the quick start's headers first, transport headers left
    to curl, secrets as placeholders."""
    ordered = sorted(
        headers.items(),
        key=lambda kv: _FIRST.index(kv[0].lower()) if kv[0].lower() in _FIRST else len(_FIRST),
    )
    return [
        f"-H {_quote(f'{name}: {_header_value(name, value)}')}"
        for name, value in ordered
        if name.lower() not in _TRANSPORT_HEADERS
    ]


def stored_header_options(headers: Mapping[str, str]) -> str:
    """The header options as a curl command's lines after its first, kept beside each stored
    row (schema 5) so a bulk curl export only joins texts (lib/recorder/bulk_curl.py). A change
    to header_options needs a migration that sets the stored ones to NULL (Python prints those
    rows), or old rows would keep the old options."""
    return "".join(f"{NEXT_LINE}{option}" for option in header_options(headers))


def to_curl(exchange: Exchange) -> str:
    """`curl -X POST <url> \\ -H "Name: value" ... --data '<body>'`, one option per line."""
    method, url = exchange.method.upper(), _placeholders(exchange.url)
    lines = [f"curl -X {shlex.quote(method)} {shlex.quote(url)}"]  # "GET;id" must not run id
    lines += header_options(exchange.request_headers)
    if exchange.request_body is not None:
        body = redact_json_fields(exchange.request_body) or ""
        lines.append(f"--data {shlex.quote(_placeholders(body))}")
    elif exchange.method.upper() in {"POST", "PUT", "PATCH"}:
        lines.append("--data ''")  # as the token call in the docs: an explicitly empty body
    return NEXT_LINE.join(lines)


def curl_block(e: Exchange) -> str:
    """One exchange in the curl export: a comment line naming step, operation and reference,
    then its command."""
    title = " / ".join(str(p) for p in (e.step, e.operation, e.reference) if p)
    outcome = e.status or e.error
    return f"# {title} (attempt {e.attempt}, status {outcome})\n{to_curl(e)}"
