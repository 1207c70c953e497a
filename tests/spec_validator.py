"""Validates simulator exchanges against the official ePayment and access-token OpenAPI specs."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests.spec_adapt import load_adapted

REPO_ROOT = Path(__file__).resolve().parent.parent
SPECS_ENV = "EPAYMENT_LAB_SPECS"
REQUIRE_ENV = "EPAYMENT_LAB_REQUIRE_SPECS"
SPEC_FILES = ("epayment.yaml", "access-token.yaml")  # webhooks.yaml is used when present
WIRE_PREFIX = {"epayment.yaml": "/epayment", "access-token.yaml": "", "webhooks.yaml": "/webhooks"}
# Production hosts of the specs' servers; the wire path then carries the rest (/epayment/v1/...).
SPEC_HOST = "https://api.vipps.no"
# openapi-core only parses `application/json` on its own; Problem bodies are JSON too.
CONFIG = Config(extra_media_type_deserializers={"application/problem+json": json.loads})


class SpecsMissing(RuntimeError):
    """The official specs are not where EPAYMENT_LAB_SPECS (or the default) points."""


def specs_dir() -> Path:
    """Where the specs live: $EPAYMENT_LAB_SPECS, else ../shared/specs beside the repo."""
    env = os.environ.get(SPECS_ENV)
    return Path(env).expanduser().resolve() if env else (REPO_ROOT.parent / "shared" / "specs")


def specs_required() -> bool:
    return os.environ.get(REQUIRE_ENV) == "1"


def missing_message(directory: Path) -> str:
    return f"official specs not found in {directory}; set {SPECS_ENV}"


@dataclass(frozen=True)
class HttpExchange:
    """One request and the response the server gave, as seen on the wire."""

    method: str
    path: str  # wire path, e.g. /epayment/v1/payments/abc12345
    status: int
    request_headers: Mapping[str, str] = field(default_factory=dict)
    request_body: bytes | None = None
    response_headers: Mapping[str, str] = field(default_factory=dict)
    response_body: bytes | None = None
    query: Mapping[str, str] = field(default_factory=dict)

    def label(self) -> str:
        return f"{self.method.upper()} {self.path} -> {self.status}"


@dataclass
class _Request:
    host_url: str
    path: str
    method: str
    parameters: RequestParameters
    content_type: str
    body: bytes | None


@dataclass
class _Response:
    status_code: int
    headers: Headers
    content_type: str
    data: bytes | None


@dataclass(frozen=True)
class _Operation:
    spec: str  # file name
    operation_id: str
    statuses: frozenset[str]
    pattern: re.Pattern[str]
    method: str


def _operations(name: str, data: dict[str, Any], prefix: str) -> list[_Operation]:
    found = []
    for template, item in data["paths"].items():
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(prefix + template))
        for method, operation in item.items():
            if method == "parameters":
                continue
            statuses = frozenset(str(s) for s in operation.get("responses", {}))
            pattern = re.compile(regex + "$")
            # webhooks.yaml has no operationIds: name those by method and path
            op_id = operation.get("operationId") or f"{method.upper()} {prefix}{template}"
            found.append(_Operation(name, op_id, statuses, pattern, method))
    return found


def _schema_error_text(error: BaseException) -> list[str]:
    """Flatten openapi-core's nested errors into "field.path: message" lines."""
    cause = error.__cause__ or error
    inner = getattr(cause, "schema_errors", None)
    if not inner:
        text, detail = str(error), str(cause)
        return [text if detail in text else f"{text}: {detail}"]
    # A parameter error knows its parameter; a body error's path says where in the body.
    parameter = getattr(error, "name", None) and f"{error.location} {error.name}"
    lines = []
    for schema_error in inner:
        where = ".".join(str(p) for p in schema_error.absolute_path) or parameter or "(root)"
        lines.append(f"{where}: {schema_error.message}")
    return lines


def _content_type(headers: Mapping[str, str]) -> str:
    return Headers(list(headers.items())).get("Content-Type", "").lower()


class SpecValidator:
    """Checks requests and responses against epayment.yaml (1.8.1), access-token.yaml and, when it
    is there, webhooks.yaml, as adapted in tests/spec_adapt.py.

    Paths in none of the specs (`/_sim/...`, `/landing...`) are ignored. Violations come back as
    readable strings; an empty list means the exchange conforms.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        specs = load_adapted(directory)
        self.epayment_spec = specs["epayment.yaml"]  # also what the fuzz run generates from
        self.token_spec = specs["access-token.yaml"]
        self._apps = {name: OpenAPI.from_dict(data, config=CONFIG) for name, data in specs.items()}
        # The servers carry a prefix (https://api.vipps.no/epayment), the paths lack it.
        self._operations = [
            op for name, data in specs.items() for op in _operations(name, data, WIRE_PREFIX[name])
        ]
        self._lock = threading.Lock()  # openapi-core's caches are not documented as thread-safe

    @classmethod
    def load(cls, directory: Path | None = None) -> SpecValidator:
        directory = directory or specs_dir()
        if not all((directory / name).is_file() for name in SPEC_FILES):
            raise SpecsMissing(missing_message(directory))
        return _cached(directory)

    def operation(self, method: str, path: str) -> _Operation | None:
        for op in self._operations:
            if op.method == method.lower() and op.pattern.match(path):
                return op
        return None

    def validate(self, exchange: HttpExchange, *, check_request: bool | None = None) -> list[str]:
        """Both sides; the request only when the server accepted it (2xx) unless told otherwise.

        Negative tests send invalid requests on purpose, so a refused invalid request is fine; a 2xx
        to a request the spec forbids is a simulator bug.
        """
        if check_request is None:
            check_request = 200 <= exchange.status < 300
        problems = self.validate_request(exchange) if check_request else []
        return problems + self.validate_response(exchange)

    def validate_request(self, exchange: HttpExchange) -> list[str]:
        op = self.operation(exchange.method, exchange.path)
        if op is None:
            return []
        app = self._apps[op.spec]
        with self._lock:
            errors = list(app.iter_request_errors(self._request(exchange)))
        return [
            f"{exchange.label()} ({op.operation_id}): request: {line}"
            for error in errors
            for line in _schema_error_text(error)
        ]

    def validate_response(self, exchange: HttpExchange) -> list[str]:
        op = self.operation(exchange.method, exchange.path)
        if op is None:
            return []
        prefix = f"{exchange.label()} ({op.operation_id}): response: "
        status = str(exchange.status)
        if exchange.status < 400 and status not in op.statuses:
            declared = ", ".join(sorted(s for s in op.statuses if s != "default"))
            return [f"{prefix}status {status} is not declared (declared: {declared})"]
        if op.operation_id == "forceApprove" and exchange.status == 200 and exchange.response_body:
            body = exchange.response_body[:80]
            return [f"{prefix}force approve 200 must have no body, got {body!r}"]
        if op.spec != "access-token.yaml" and is_gateway_response(exchange):
            return []
        if op.spec == "access-token.yaml" and status not in op.statuses:
            return []  # the token spec declares no error bodies at all: nothing to check against
        app = self._apps[op.spec]
        response = _Response(
            exchange.status,
            Headers(list(exchange.response_headers.items())),
            _content_type(exchange.response_headers),
            exchange.response_body or b"",
        )
        with self._lock:
            errors = list(app.iter_response_errors(self._request(exchange), response))
        return [prefix + line for error in errors for line in _schema_error_text(error)]

    @staticmethod
    def _request(exchange: HttpExchange) -> _Request:
        parameters = RequestParameters(
            query=ImmutableMultiDict(list(exchange.query.items())),
            header=Headers(list(exchange.request_headers.items())),
        )
        return _Request(
            SPEC_HOST,
            exchange.path,
            exchange.method.lower(),
            parameters,
            _content_type(exchange.request_headers),
            exchange.request_body or None,
        )


def is_gateway_response(exchange: HttpExchange) -> bool:
    """A 401 in Azure API Management's own shape, `{"statusCode": 401, "message": "..."}`.

    The gateway in front of the API refuses a missing or wrong subscription key before the API sees
    the request, and its errors "may have a different format" (knowledge base, errors): accepted
    as-is instead of the `Problem` schema. The exact wrapper for Vipps is UNCONFIRMED; nothing else
    in that shape, and no other status, is let through.
    """
    if exchange.status != 401 or not _content_type(exchange.response_headers).startswith(
        "application/json"
    ):
        return False
    try:
        body = json.loads(exchange.response_body or b"")
    except ValueError:
        return False
    return (
        isinstance(body, dict)
        and set(body) == {"statusCode", "message"}
        and body["statusCode"] == 401
        and isinstance(body["message"], str)
    )


@cache
def _cached(directory: Path) -> SpecValidator:
    return SpecValidator(directory)


def load_or_skip(loader: Callable[[], SpecValidator] = SpecValidator.load) -> SpecValidator:
    """For tests: the validator, or a skip (a failure under EPAYMENT_LAB_REQUIRE_SPECS=1, in CI)."""
    import pytest

    try:
        return loader()
    except SpecsMissing as missing:
        if specs_required():
            pytest.fail(f"{missing} ({REQUIRE_ENV}=1)", pytrace=False)
        pytest.skip(str(missing))
