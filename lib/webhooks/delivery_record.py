"""A delivery into the recorder as an exchange, never letting a broken store refuse it."""

from __future__ import annotations

import logging
from typing import Any

from lib.webhooks.events import Delivery
from lib.webhooks.evidence import to_exchange

logger = logging.getLogger("epayment_lab.webhooks")

SHALLOW_CHARS = 200  # fewer than JSON's recursion limit of nesting (about 1,000)


def record_delivery(recorder: Any, delivery: Delivery, target: str, latency_ms: float) -> None:
    """Records `delivery` (`operation="webhook_delivery"`) for `target`; no recorder, nothing."""
    if recorder is None:
        return
    exchange = to_exchange(delivery, target, latency_ms)
    # A refused body is the sender's word: anyone can post one naming any payment, so it
    # is evidence of the refusal only, never on a payment's timeline.
    exchange.reference = delivery.reference
    if delivery.size is not None:
        kept = f"{len(delivery.body):,} of {delivery.size:,} bytes kept"
        exchange.error = f"{exchange.error} ({kept})" if exchange.error else kept
    try:
        try:
            recorder.record(exchange)
        except RecursionError:
            # Redaction reads a body as JSON and cannot read one nested this deep: the
            # refusal is recorded with the body's first bytes only.
            exchange.request_body = (exchange.request_body or "")[:SHALLOW_CHARS]
            recorder.record(exchange)
    except Exception:  # noqa: BLE001
        # A broken evidence store must not make us refuse a delivery (the sender would retry).
        logger.exception("Recording a webhook delivery failed; it was still answered.")
