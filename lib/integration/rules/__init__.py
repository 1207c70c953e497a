"""The integration rules: small pure functions over a system's recorded exchanges."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from lib.exchange import Exchange
from lib.integration.findings import Finding, Severity
from lib.integration.operations import (
    API_OPERATIONS,
    EPAYMENT_OPERATIONS,
    WEBHOOK_ATTEMPT,
    WEBHOOK_PROBE,
)
from lib.integration.rules import auth, flow, headers, idempotency, polling, reference, spec
from lib.integration.rules import webhooks as hooks
from lib.integration.rules.base import Rule
from lib.integration.traffic import Thresholds, Traffic

log = logging.getLogger("epayment_lab.integration")

DOCS = "https://developer.vippsmobilepay.com/docs"
CHECKLIST = f"{DOCS}/APIs/epayment-api/checklist/"
HEADERS = f"{DOCS}/knowledge-base/http-headers/"
POLLING = "vippsas/vipps-epayment-api operations/README.md (polling: after 5 s, then every 2 s)"
ERRORS = f"{DOCS}/APIs/epayment-api/errors/"
SPEC = "shared/specs/epayment.yaml 1.8.1, webhooks.yaml (the official OpenAPI specs)"


def _rule(id: str, title: str, source: str, check: Any, *ops: str) -> Rule:
    return Rule(id, title, source, check, frozenset(ops))


ALL_API = tuple(sorted(API_OPERATIONS))
EPAYMENT = tuple(sorted(EPAYMENT_OPERATIONS))
RULES: tuple[Rule, ...] = (
    _rule(
        "spec.request-invalid",
        "requests conform to the official spec",
        SPEC,
        spec.request_invalid,
        *ALL_API,
    ),
    _rule(
        "headers.msn",
        "Merchant-Serial-Number on every ePayment call",
        HEADERS,
        headers.msn,
        *EPAYMENT,
    ),
    _rule(
        "headers.subscription-key",
        "Ocp-Apim-Subscription-Key on every call",
        HEADERS,
        headers.subscription_key,
        "access_token",
        *EPAYMENT,
    ),
    _rule(
        "headers.vipps-system",
        "the four Vipps-System-* headers, each at most 30 characters",
        f"{CHECKLIST} (Include HTTP headers); {HEADERS}",
        headers.vipps_system,
        *ALL_API,
    ),
    _rule(
        "auth.token-per-request",
        "access tokens are cached and reused",
        f"{DOCS}/APIs/access-token-api/",
        auth.token_per_request,
        "access_token",
    ),
    _rule(
        "idempotency.missing-key",
        "create, capture and refund carry an Idempotency-Key",
        HEADERS,
        idempotency.missing_key,
        "create_payment",
        "capture_payment",
        "refund_payment",
    ),
    _rule(
        "idempotency.new-key-on-retry",
        "a retry after an unknown outcome reuses its key",
        HEADERS,
        idempotency.new_key_on_retry,
        "create_payment",
        "capture_payment",
        "refund_payment",
        "cancel_payment",
    ),
    _rule(
        "polling.too-frequent",
        "first poll about 5 s after create, then about every 2 s",
        POLLING,
        polling.too_frequent,
        "get_payment",
    ),
    _rule(
        "polling.after-final",
        "polling stops at a final state",
        POLLING,
        polling.after_final,
        "get_payment",
    ),
    _rule(
        "polling.ignores-429",
        "429 Too Many Requests slows the system down",
        f"{ERRORS} (429); {POLLING}",
        polling.ignores_429,
        *ALL_API,
    ),
    _rule(
        "reference.advice",
        "references follow the pattern and name one payment attempt",
        f"{CHECKLIST} (orderid recommendations)",
        reference.advice,
        "create_payment",
    ),
    _rule(
        "flow.capture-before-authorized",
        "capture only after AUTHORIZED",
        ERRORS,
        flow.capture_before_authorized,
        "capture_payment",
    ),
    _rule(
        "flow.over-capture",
        "capture at most what is capturable",
        ERRORS,
        flow.over_capture,
        "capture_payment",
    ),
    _rule(
        "flow.over-refund",
        "refund at most what is refundable",
        ERRORS,
        flow.over_refund,
        "refund_payment",
    ),
    _rule(
        "webhooks.not-acknowledged",
        "the webhook endpoint answers 2xx within 10 s",
        f"{DOCS}/APIs/webhooks-api/api-guide/",
        hooks.not_acknowledged,
        WEBHOOK_ATTEMPT,
    ),
    _rule(
        "webhooks.forged-accepted",
        "the webhook endpoint refuses forged or unsigned deliveries",
        f"{DOCS}/APIs/webhooks-api/request-authentication/",
        hooks.forged_accepted,
        WEBHOOK_PROBE,
    ),
)
RULE_IDS = tuple(r.id for r in RULES)


def evaluate(
    exchanges: Iterable[Exchange],
    thresholds: Thresholds | None = None,
    rules: Sequence[Rule] = RULES,
) -> list[Finding]:
    """Every rule over the exchanges; a rule that fails reports so instead of stopping the rest."""
    traffic = exchanges if isinstance(exchanges, Traffic) else Traffic(exchanges, thresholds)
    found: list[Finding] = []
    for rule in rules:
        try:
            found += rule.check(traffic)
        except Exception as error:  # noqa: BLE001 - one broken rule must not hide the others
            log.exception("rule %s failed", rule.id)
            found.append(Finding(rule.id, Severity.INFO, f"{rule.id} could not run: {error!r}."))
    return found


def rule_table(traffic: Traffic, findings: Sequence[Finding]) -> list[dict[str, str]]:
    """One row per rule: pass, finding (the worst severity), or not yet exercised."""
    rows = []
    for rule in RULES:
        mine = [f for f in findings if f.rule == rule.id]
        worst = min((f.severity for f in mine), key=list(Severity).index, default=None)
        exercised = any(traffic.of(op) for op in rule.operations)
        status = str(worst) if worst else ("pass" if exercised else "not exercised")
        rows.append({"rule": rule.id, "status": status, "checks": rule.title})
    return rows


__all__ = ["RULES", "RULE_IDS", "Rule", "Thresholds", "Traffic", "evaluate", "rule_table"]
