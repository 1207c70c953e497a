"""One HTTP exchange (or a failure to get a response), as kept in the evidence log."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Exchange:
    """One attempt of one request. Retries are separate exchanges with a higher `attempt`.

    Headers and bodies are stored as sent and received, except that the recorder redacts secrets
    before storing. `status` is None when no response arrived; `error` then says why.
    """

    method: str
    url: str
    operation: str  # the spec's operationId in snake_case, e.g. "create_payment", or "access_token"
    target: str = "simulator"  # "simulator" | "test" | "production" | "custom"
    started_at: datetime = field(default_factory=utc_now)
    request_headers: dict[str, str] = field(default_factory=dict, repr=False)
    request_body: str | None = field(default=None, repr=False)
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict, repr=False)
    response_body: str | None = field(default=None, repr=False)
    latency_ms: float | None = None
    reference: str | None = None
    idempotency_key: str | None = None
    attempt: int = 1  # 1 for the first try, 2 for the first retry, ...
    error: str | None = None  # e.g. "ConnectTimeout: ..." when no response arrived
    step: str | None = None  # the quick-start step or QA scenario step that caused it
    run_id: str | None = None  # set by the recorder
    id: int | None = None  # set by the store

    # Headers and bodies stay out of repr: a raw (unredacted) exchange may hold secrets.

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat()
        return data
