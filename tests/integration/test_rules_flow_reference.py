"""flow.capture-before-authorized, flow.over-capture, flow.over-refund, reference.advice."""

from __future__ import annotations

from lib.integration.findings import Severity
from lib.integration.rules import flow, reference
from lib.integration.traffic import Traffic
from tests.integration.builders import amount, create_body, exchange, problem


def refused(op: str, code: str) -> list:
    return [exchange(op, status=400, body=amount(2000), key="k", response=problem(code))]


def test_capture_before_authorized() -> None:
    found = flow.capture_before_authorized(Traffic(refused("capture_payment", "6080")))
    assert len(found) == 1 and "NOK 20.00" in found[0].message


def test_over_capture_and_over_refund() -> None:
    assert len(flow.over_capture(Traffic(refused("capture_payment", "6090")))) == 1
    assert len(flow.over_refund(Traffic(refused("refund_payment", "6150")))) == 1
    # A refusal for another reason is some other rule's business.
    assert flow.over_capture(Traffic(refused("capture_payment", "6080"))) == []
    ok = [exchange("capture_payment", body=amount(2000), key="k")]
    assert flow.over_capture(Traffic(ok)) + flow.capture_before_authorized(Traffic(ok)) == []


def created(ref: str, key: str = "k", at: float = 0, status: int = 201):
    return exchange(
        "create_payment", at, reference=ref, status=status, body=create_body(ref), key=key
    )


def test_reference_advice__pattern_numeric_and_leading_zero() -> None:
    log = [created("ord 1"), created("1234567890"), created("0acme-1001")]
    found = reference.advice(Traffic(log))
    assert [f.severity for f in found] == [Severity.WARNING, Severity.INFO, Severity.INFO]
    assert [f.reference for f in found] == ["ord 1", "1234567890", "0acme-1001"]


def test_reference_advice__reused_reference() -> None:
    log = [created("acme-1001-1", "a"), created("acme-1001-1", "b", at=60, status=409)]
    found = reference.advice(Traffic(log))
    assert len(found) == 1 and found[0].exchange_ids == (log[0].id, log[1].id)


def test_reference_advice__a_good_reference_and_a_retry_after_503_pass() -> None:
    log = [created("acme-1001-1", "a", status=503), created("acme-1001-1", "b", at=1)]
    assert reference.advice(Traffic(log)) == []
