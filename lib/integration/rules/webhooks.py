"""webhooks.not-acknowledged and webhooks.forged-accepted: the system's webhook endpoint."""

from __future__ import annotations

from collections import defaultdict

from lib.integration.findings import Finding, Severity
from lib.integration.operations import WEBHOOK_ATTEMPT, WEBHOOK_PROBE
from lib.integration.rules.base import finding, plural
from lib.integration.traffic import Seen, Traffic


def not_acknowledged(traffic: Traffic) -> list[Finding]:
    limit_ms = traffic.thresholds.webhook_ack_seconds * 1000
    by_url: dict[str, list[Seen]] = defaultdict(list)
    for s in traffic.of(WEBHOOK_ATTEMPT):
        by_url[s.ex.url].append(s)
    found = []
    for url, attempts in by_url.items():
        late = [s for s in attempts if s.ok and (s.ex.latency_ms or 0) > limit_ms]
        failed = [s for s in attempts if not s.ok] + late
        if not failed:
            continue
        answers = ", ".join(sorted({str(s.status) if s.status else "no answer" for s in failed}))
        found.append(
            finding(
                "webhooks.not-acknowledged",
                Severity.ERROR,
                f"Your webhook endpoint {url} did not answer 2xx within "
                f"{traffic.thresholds.webhook_ack_seconds:g} s to "
                f"{plural(len(failed), 'delivery')} of {len(attempts)} ({answers}). Answer 2xx at "
                "once and process afterwards: a failed delivery is retried and holds back "
                "later events for that payment.",
                failed,
            )
        )
    return found


def forged_accepted(traffic: Traffic) -> list[Finding]:
    accepted = [s for s in traffic.of(WEBHOOK_PROBE) if s.ok]
    return [
        finding(
            "webhooks.forged-accepted",
            Severity.ERROR,
            f"Your webhook endpoint {s.ex.url} answered {s.status} to a delivery with "
            f"{s.ex.step or 'a bad signature'} sent by the lab. Verify x-ms-content-sha256 and the "
            "HMAC-SHA256 signature with your registration's secret, and answer 401 when they do "
            "not match: otherwise anyone can mark your orders paid.",
            [s],
        )
        for s in accepted
    ]
