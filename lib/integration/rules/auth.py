"""auth.token-per-request: new access tokens fetched far more often than their lifetime needs."""

from __future__ import annotations

from collections import defaultdict

from lib.integration.findings import Finding, Severity
from lib.integration.rules.base import finding, plural
from lib.integration.traffic import Seen, Traffic


def _lifetime(s: Seen, default: float) -> float:
    # The token answer carries expires_in as a string of seconds ("3600" in test).
    value = s.response.get("expires_in") if isinstance(s.response, dict) else None
    try:
        seconds = float(value) if value is not None else default
    except (TypeError, ValueError):
        seconds = default
    return seconds if seconds > 0 else default


def token_per_request(traffic: Traffic) -> list[Finding]:
    t = traffic.thresholds
    by_client: dict[str, list[Seen]] = defaultdict(list)
    for s in traffic.of("access_token"):
        if s.ok:
            by_client[s.header("client_id") or "?"].append(s)
    found = []
    for client, fetched in by_client.items():
        needless: list[Seen] = []
        best_expiry = float("-inf")
        for s in fetched:
            lifetime = _lifetime(s, t.token_lifetime_seconds)
            # Needless: an earlier token still had more than half of its life left.
            if best_expiry - s.at > lifetime / 2:
                needless.append(s)
            best_expiry = max(best_expiry, s.at + lifetime)
        if len(needless) > t.needless_tokens_allowed:
            found.append(
                finding(
                    "auth.token-per-request",
                    Severity.WARNING,
                    f"{plural(len(fetched), 'access token')} fetched for client_id {client}; "
                    f"{len(needless)} while an earlier token was still valid for more than half "
                    "its lifetime. Cache the token and reuse it until shortly before it expires "
                    "(expires_in: 1 hour in test, 24 hours in production).",
                    needless,
                    reference=None,
                )
            )
    return found
