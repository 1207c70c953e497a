"""A webhook delivery as evidence: the Exchange the recorder stores, and the JSON answered."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from lib.exchange import Exchange
from lib.recorder.redaction import placeholder
from lib.webhooks.events import Delivery, ReceivedEvent
from lib.webhooks.signature import SCHEME

OPERATION = "webhook_delivery"


def response_body(delivery: Delivery) -> bytes:
    answer = {"verdict": str(delivery.outcome), "reason": delivery.reason}
    answer["duplicate"] = delivery.duplicate  # type: ignore[assignment]
    return json.dumps(answer).encode("utf-8")


def to_exchange(delivery: Delivery, target: str, latency_ms: float | None = None) -> Exchange:
    """The evidence record of one delivery, beside the API exchanges."""
    return Exchange(
        method="POST",
        url=delivery.url,
        operation=OPERATION,
        target=target,
        started_at=delivery.received_at,
        request_headers=evidence_headers(delivery.headers),
        request_body=delivery.body.decode("utf-8", errors="replace"),
        status=delivery.status,
        response_headers={"Content-Type": "application/json"},
        response_body=response_body(delivery).decode("utf-8"),
        latency_ms=None if latency_ms is None else round(latency_ms, 1),
        reference=delivery.claimed_reference,
        error=None if 200 <= delivery.status < 300 else delivery.reason,
    )


def evidence_headers(headers: Mapping[str, str]) -> dict[str, str]:
    # The signature is redacted here already (the recorder would do the same): otherwise the
    # redactor learns every delivery's signature as a new secret and its list grows without end.
    out = dict(headers)
    for key, value in headers.items():
        if key.lower() == "authorization":
            hidden = placeholder("authorization")
            out[key] = f"{SCHEME} {hidden}" if value.strip().startswith(SCHEME) else hidden
    return out


def parse_event(body: bytes, received_at: datetime, reg_id: str | None) -> ReceivedEvent | None:
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not payload.get("name"):
        return None
    return ReceivedEvent.from_payload(payload, received_at, reg_id)
