"""The record of one HTTP exchange the simulator answered, handed to SimulatorConfig.observer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ObservedExchange:
    """One request and the response the simulator sent (bodies raw, headers as received/sent).

    `status` is None when the simulator deliberately dropped the connection (fault injection).
    """

    method: str
    path: str
    query_string: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int | None
    response_headers: dict[str, str]
    response_body: bytes
