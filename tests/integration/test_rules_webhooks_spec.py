"""webhooks.*, spec.request-invalid, and the registry (evaluate, rule table, docs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib.integration.findings import Finding, Severity
from lib.integration.operations import WEBHOOK_ATTEMPT, WEBHOOK_PROBE
from lib.integration.rules import RULES, evaluate, rule_table, spec, webhooks
from lib.integration.rules.base import Rule
from lib.integration.traffic import Traffic
from tests.integration.builders import amount, create_body, exchange

DOCS = Path(__file__).resolve().parents[2] / "docs" / "INTEGRATION.md"


def test_not_acknowledged__failures_and_slow_answers() -> None:
    log = [
        exchange(WEBHOOK_ATTEMPT, 0, status=500),
        exchange(WEBHOOK_ATTEMPT, 1, status=None, error="timeout"),
        exchange(WEBHOOK_ATTEMPT, 2, status=200, latency_ms=12_000.0),
        exchange(WEBHOOK_ATTEMPT, 3, status=200, latency_ms=30.0),
    ]
    found = webhooks.not_acknowledged(Traffic(log))
    assert len(found) == 1 and set(found[0].exchange_ids) == {e.id for e in log[:3]}


def test_forged_accepted__a_2xx_to_a_probe() -> None:
    log = [
        exchange(WEBHOOK_PROBE, status=200, step="a forged signature"),
        exchange(WEBHOOK_PROBE, status=401, step="no signature"),
    ]
    found = webhooks.forged_accepted(Traffic(log))
    assert [f.exchange_ids for f in found] == [(log[0].id,)]
    assert "a forged signature" in found[0].message


def test_spec__invalid_body_and_path_and_not_json() -> None:
    log = [
        exchange("create_payment", status=400, body=create_body(value=10) | {"amount": 1}, key="k"),
        exchange("capture_payment", reference="short", body=amount(100), key="k"),
        exchange("create_payment", status=400, body='{"amount": ', key="k"),
        exchange("create_payment", status=201, body=create_body(), key="k"),
    ]
    found = spec.request_invalid(Traffic(log))
    assert [f.exchange_ids for f in found] == [(log[0].id,), (log[1].id,), (log[2].id,)]
    assert "body.amount" in found[0].message and "path Reference" in found[1].message
    assert "not JSON" in found[2].message


def test_spec__without_the_specs_one_info_finding(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EPAYMENT_LAB_SPECS", str(tmp_path))
    found = spec.request_invalid(Traffic([exchange("create_payment", body="{}", key="k")]))
    assert [(f.rule, f.severity) for f in found] == [("spec.request-invalid", Severity.INFO)]
    assert "did not run" in found[0].message and str(tmp_path) in found[0].message


def test_evaluate__a_broken_rule_reports_instead_of_stopping() -> None:
    def broken(traffic: Traffic) -> list[Finding]:
        raise ValueError("boom")

    rules = [Rule("x.broken", "t", "s", broken, frozenset()), *RULES[1:2]]
    found = evaluate([exchange("get_payment", headers={})], rules=rules)
    assert [(f.rule, f.severity) for f in found] == [
        ("x.broken", Severity.INFO),
        ("headers.msn", Severity.ERROR),
    ]


def test_rule_table__pass_finding_not_exercised() -> None:
    traffic = Traffic([exchange("get_payment", headers={})])
    rows = {r["rule"]: r["status"] for r in rule_table(traffic, evaluate(traffic))}
    assert rows["headers.msn"] == "error"
    assert rows["polling.after-final"] == "pass"
    assert rows["webhooks.forged-accepted"] == "not exercised"


def test_every_rule_is_documented_with_its_source() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule.id}`" in text, rule.id
