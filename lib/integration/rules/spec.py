"""spec.request-invalid: requests that break the official OpenAPI specs (bodies, path values)."""

from __future__ import annotations

from collections import defaultdict

from lib.integration.findings import Finding, Severity
from lib.integration.operations import API_OPERATIONS
from lib.integration.rules.base import finding, plural
from lib.integration.spec_check import SpecCheck, SpecUnavailable, load_spec_check
from lib.integration.traffic import Seen, Traffic

RULE = "spec.request-invalid"


def request_invalid(traffic: Traffic, spec: SpecCheck | None = None) -> list[Finding]:
    requests = traffic.of(*sorted(API_OPERATIONS))
    if not requests:
        return []
    try:
        spec = spec or load_spec_check()
    except SpecUnavailable as missing:
        return [
            Finding(RULE, Severity.INFO, f"{RULE} did not run: {missing}. The other rules ran.")
        ]
    grouped: dict[tuple[str, tuple[str, ...]], list[Seen]] = defaultdict(list)
    for s in requests:
        problems = spec.problems(s.ex.method, s.path, s.ex.request_body)
        if problems:
            grouped[(s.op, tuple(problems))].append(s)
    return [
        finding(
            RULE,
            Severity.ERROR,
            f"{plural(len(seen), op + ' request')} broke the official spec: "
            f"{'; '.join(problems)}. Send what the spec allows (amounts are integers in minor "
            "units, e.g. 1050 for NOK 10.50).",
            seen,
        )
        for (op, problems), seen in grouped.items()
    ]
