"""The simulator observer (and its pytest fixtures): every exchange checked against the specs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.spec_validator import (
    REQUIRE_ENV,
    HttpExchange,
    SpecsMissing,
    SpecValidator,
    specs_required,
)


def _body_bytes(value: Any) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value).encode()


def from_observed(observed: Any) -> HttpExchange | None:
    """Adapts the simulator's `ObservedExchange` (duck-typed, so this module never imports it).

    None when there is no response to check (`status` None: a deliberately dropped connection).
    """
    if observed.status is None:
        return None
    return HttpExchange(
        method=observed.method,
        path=observed.path,
        query=dict(parse_qsl(observed.query_string or "", keep_blank_values=True)),
        status=observed.status,
        request_headers=dict(observed.request_headers),
        request_body=_body_bytes(observed.request_body),
        response_headers=dict(observed.response_headers),
        response_body=_body_bytes(observed.response_body),
    )


def _flat(headers: Mapping[str, Any]) -> dict[str, str]:
    """Header values as strings; schemathesis' Response keeps each header as a list."""
    return {k: ", ".join(v) if isinstance(v, list) else v for k, v in headers.items()}


def from_requests(response: Any) -> HttpExchange:
    """The exchange as the client saw it: a `requests.Response` or a schemathesis `Response`."""
    request = response.request
    url = urlsplit(request.url or "")
    return HttpExchange(
        method=request.method or "GET",
        path=url.path,
        query=dict(parse_qsl(url.query, keep_blank_values=True)),
        status=response.status_code,
        request_headers=dict(request.headers),
        request_body=_body_bytes(request.body),
        response_headers=_flat(response.headers),
        response_body=response.content,
    )


class SpecObserver:
    """`SimulatorConfig.observer`: records every exchange cheaply; validates when asked.

    Called on the server's thread, so it only queues; `take_violations()` validates what was queued
    since the last call (the per-test check), keeping the server fast and the check thread-safe.
    """

    def __init__(self, validator: SpecValidator) -> None:
        self.validator = validator
        self._pending: list[Any] = []
        self._lock = threading.Lock()
        self.checked = 0

    def __call__(self, observed: Any) -> None:
        with self._lock:
            self._pending.append(observed)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def take_violations(self) -> list[str]:
        with self._lock:
            pending, self._pending = self._pending, []
        self.checked += len(pending)
        exchanges = [e for e in map(from_observed, pending) if e is not None]
        return [v for exchange in exchanges for v in self.validator.validate(exchange)]


def format_violations(violations: Iterable[str], limit: int = 20) -> str:
    items = list(violations)
    shown = "\n".join(f"  - {v}" for v in items[:limit])
    more = f"\n  ... and {len(items) - limit} more" if len(items) > limit else ""
    return f"{len(items)} spec violation(s):\n{shown}{more}"


# Fixtures, imported by tests/conftest.py: every response a test sees from the shared simulator is
# validated; a test fails at teardown if one of them (or a 2xx to a bad request) broke the spec.


@pytest.fixture(scope="session")
def spec_observer() -> SpecObserver | None:
    """The shared simulator's observer; None (no validation) when the specs are absent, unless
    EPAYMENT_LAB_REQUIRE_SPECS=1 (CI), where a missing spec fails the session's first test."""
    try:
        return SpecObserver(SpecValidator.load())
    except SpecsMissing as missing:
        if specs_required():
            pytest.fail(f"{missing} ({REQUIRE_ENV}=1)", pytrace=False)
        return None


@pytest.fixture(autouse=True)
def spec_conformance(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that used the shared simulator: no spec violation in what it answered."""
    yield
    if "simulator" not in request.fixturenames:
        return
    observer = request.getfixturevalue("spec_observer")
    if observer is not None and (violations := observer.take_violations()):
        pytest.fail(format_violations(violations), pytrace=False)
