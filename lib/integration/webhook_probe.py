"""The lab's forged and unsigned webhook deliveries, and the simulator's attempts as exchanges."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import requests

from lib.exchange import Exchange, utc_now
from lib.integration.operations import WEBHOOK_ATTEMPT, WEBHOOK_PROBE
from lib.webhooks.signature import sign

FORGED, UNSIGNED = "a forged signature", "no signature"
ADVERSITY_FORGED = "webhook_forged"  # the simulator's forged delivery (POST /_sim/adversity)


def probe_payload(msn: str, reference: str, now: datetime) -> bytes:
    """An `authorized` event as the API would send it: the kind a shop acts on."""
    event = {
        "msn": msn,
        "reference": reference,
        "pspReference": f"probe-{secrets.token_hex(8)}",
        "name": "AUTHORIZED",
        "amount": {"currency": "NOK", "value": 100},
        "timestamp": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "idempotencyKey": None,
        "success": True,
    }
    return json.dumps(event).encode()


def probe_requests(url: str, body: bytes, now: datetime) -> list[tuple[str, dict[str, str]]]:
    """(what is wrong, headers): signed with a secret nobody registered, and not signed at all."""
    forged = sign(url=url, body=body, secret=secrets.token_urlsafe(48), date=now)
    unsigned = {k: v for k, v in forged.items() if k != "Authorization"}
    return [(FORGED, forged), (UNSIGNED, unsigned)]


def send_probes(
    url: str, msn: str, reference: str, *, target: str, timeout: float = 10.0
) -> list[Exchange]:
    """Sends both probes to `url`; each becomes an Exchange (status None when unreachable)."""
    now = utc_now()
    body = probe_payload(msn, reference, now)
    sent = []
    for problem, headers in probe_requests(url, body, now):
        headers = {**headers, "Content-Type": "application/json"}
        headers.pop("Host", None)  # requests sets it from the URL
        exchange = Exchange(
            "POST",
            url,
            WEBHOOK_PROBE,
            target,
            request_headers=headers,
            request_body=body.decode(),
            reference=reference,
            step=problem,
        )
        started = time.perf_counter()
        try:
            answer = requests.post(
                url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            )
            exchange.status, exchange.response_body = answer.status_code, answer.text
            exchange.response_headers = dict(answer.headers)
        except requests.RequestException as error:
            exchange.error = f"{type(error).__name__}: {error}"
        exchange.latency_ms = round((time.perf_counter() - started) * 1000, 1)
        sent.append(exchange)
    return sent


def attempt_key(webhook_id: str, attempt: dict[str, Any]) -> tuple[Any, ...]:
    fields = ("time", "event", "reference", "pspReference", "attempt")
    return (webhook_id, *(attempt.get(f) for f in fields))


def attempts_as_exchanges(
    control_json: dict[str, Any], seen: set[tuple[Any, ...]], target: str
) -> Iterable[tuple[str, Exchange]]:
    """(registered url, Exchange) for each attempt in GET /_sim/webhooks not in `seen` yet."""
    for registration in control_json.get("webhooks", []):
        url = registration.get("url", "")
        for attempt in registration.get("attempts", []):
            key = attempt_key(registration.get("id", ""), attempt)
            if key in seen:
                continue
            seen.add(key)
            yield url, _attempt_exchange(url, attempt, target)


def _attempt_exchange(url: str, attempt: dict[str, Any], target: str) -> Exchange:
    """A delivery attempt; the simulator's forged one (adversity) counts as a probe, graded by
    webhooks.forged-accepted. An attempt refused first on purpose keeps the endpoint's real
    answer, so webhooks.not-acknowledged does not blame the endpoint for it."""
    try:
        started = datetime.fromisoformat(str(attempt.get("time")).replace("Z", "+00:00"))
    except ValueError:
        started = utc_now()
    event = attempt.get("event") or "event"
    adversity = attempt.get("adversity")
    if adversity == ADVERSITY_FORGED:
        step = f"{FORGED} ({event} for a payment nobody approved, armed as adversity)"
    else:
        step = f"{event} delivery, attempt {attempt.get('attempt')}: {attempt.get('outcome')}"
        step += f" (adversity: {adversity})" if adversity else ""
    return Exchange(
        "POST",
        url,
        WEBHOOK_PROBE if adversity == ADVERSITY_FORGED else WEBHOOK_ATTEMPT,
        target,
        started_at=started,
        status=attempt.get("status"),
        latency_ms=attempt.get("durationMs"),
        reference=attempt.get("reference"),
        error=attempt.get("error"),
        step=step,
    )
