"""Checklist evaluation on hand-built logs: met, missing, stale, manual, and the header rule."""

from __future__ import annotations

from datetime import timedelta

from lib.checklist import ITEM_IDS, ITEMS, Status, evaluate
from tests.checklist.checklist_logs import HEADERS, NOW, LogBuilder, complete_log


def statuses(result) -> dict[str, Status]:
    return {r.item.id: r.status for r in result.items}


def test_items__in_checklist_order_with_kinds() -> None:
    assert ITEM_IDS[:6] == ("E1", "E2", "E3", "E4", "E5", "E6")
    assert ITEM_IDS[6:11] == ("Q1", "Q2", "Q3", "Q4", "Q5")
    assert [i.id for i in ITEMS if not i.automatic] == ["P3", "P4", "P5", "G1", "G4"]


def test_evaluate__complete_log_meets_all_but_webhooks_and_production(full_log) -> None:
    result = evaluate(full_log.exchanges, now=NOW)
    unmet = {i: s for i, s in statuses(result).items() if s is not Status.MET}
    assert unmet == {
        "Q1": Status.MISSING,
        "G2": Status.MISSING,
        **{i: Status.MANUAL for i in ("P3", "P4", "P5", "G1", "G4")},
    }
    assert "webhook" in (result["Q1"].hint or "")
    assert result.completeness == 13 / 15


def test_evaluate__met_item_names_its_references_and_exchanges(full_log) -> None:
    e5 = evaluate(full_log.exchanges, now=NOW)["E5"]
    assert e5.references == ("acme-order-1", "acme-order-2")
    assert e5.targets == ("test",)
    assert all(isinstance(i, int) for i in e5.exchange_ids) and len(e5.exchange_ids) == 2


def test_evaluate__empty_log_misses_every_automatic_item() -> None:
    result = evaluate([], now=NOW)
    assert {r.status for r in result.automatic} == {Status.MISSING}
    assert result.completeness == 0.0
    assert all(r.hint for r in result.automatic)


def test_evaluate__partial_capture_missing_names_the_scenario(builder) -> None:
    builder.create("acme-order-2")
    builder.modify(
        "capture_payment",
        "acme-order-2",
        1000,
        {"authorizedAmount": {"value": 1000}, "capturedAmount": {"value": 1000}},
        "AUTHORIZED",
    )
    e5 = evaluate(builder.exchanges, now=NOW)["E5"]
    assert e5.status is Status.MISSING
    assert "partial-capture scenario" in (e5.hint or "")


def test_evaluate__old_evidence_is_stale() -> None:
    old = complete_log(LogBuilder(at=NOW - timedelta(days=31)))
    result = evaluate(old.exchanges, now=NOW)
    assert result["E1"].status is Status.STALE
    assert result["E5"].status is Status.STALE
    assert result.completeness == 0.0
    assert evaluate(old.exchanges, now=NOW, max_age_days=40)["E1"].status is Status.MET


def test_evaluate__fresh_evidence_beats_stale(full_log) -> None:
    full_log.at = NOW - timedelta(days=60)
    full_log.create("acme-order-old")
    assert evaluate(full_log.exchanges, now=NOW)["E1"].status is Status.MET


def test_evaluate__one_request_without_a_header_misses_q4(full_log) -> None:
    headers = {k: v for k, v in HEADERS.items() if k != "Vipps-System-Plugin-Name"}
    url = "http://x/epayment/v1/payments/acme-order-1"
    bad = full_log.add("get_payment", "GET", url, 200, resp={"state": "CREATED"}, headers=headers)
    q4 = evaluate(full_log.exchanges, now=NOW)["Q4"]
    assert q4.status is Status.MISSING
    assert "Vipps-System-Plugin-Name" in (q4.hint or "")
    assert q4.exchange_ids == (bad.id,)


def test_evaluate__header_names_are_case_insensitive(builder) -> None:
    lower = {k.lower(): v for k, v in HEADERS.items()}
    builder.add("get_payment", "GET", "http://x/epayment/v1/payments/a", 200, headers=lower)
    assert evaluate(builder.exchanges, now=NOW)["Q4"].status is Status.MET


def test_evaluate__manual_items_carry_comments(full_log) -> None:
    result = evaluate(full_log.exchanges, now=NOW, manual_comments={"P4": "buttons per guide"})
    assert result["P4"].status is Status.MANUAL
    assert result["P4"].comment == "buttons per guide"
    assert result["P4"].hint is None
    assert result["P5"].hint  # no comment yet: asks for one


def test_evaluate__webhook_delivery_meets_q1(full_log) -> None:
    full_log.get("acme-order-5", "TERMINATED")
    verified = {"verdict": "verified", "reason": "signature verified", "duplicate": False}
    full_log.add("webhook_delivery", "POST", "http://127.0.0.1/webhook", 200, resp=verified,
                 ref="acme-order-5")  # fmt: skip
    assert evaluate(full_log.exchanges, now=NOW)["Q1"].status is Status.MET


def test_evaluate__production_order_meets_g2(full_log) -> None:
    prod = complete_log(LogBuilder(target="production"))
    result = evaluate(full_log.exchanges + prod.exchanges, now=NOW)
    assert result["G2"].status is Status.MET
    assert result["G2"].targets == ("production",)


def test_evaluate__bad_reference_misses_p1(builder) -> None:
    builder.create("00012345")
    p1 = evaluate(builder.exchanges, now=NOW)["P1"]
    assert p1.status is Status.MISSING and "'00012345'" in (p1.hint or "")


def test_evaluate__problem_without_error_code_misses_q3(builder) -> None:
    builder.problem("acme-order-1", code=None)
    q3 = evaluate(builder.exchanges, now=NOW)["Q3"]
    assert q3.status is Status.MISSING and "ErrorCode" in (q3.hint or "")


def test_evaluate__q2_names_the_unseen_state(full_log) -> None:
    log = [e for e in full_log.exchanges if "EXPIRED" not in (e.response_body or "")]
    q2 = evaluate(log, now=NOW)["Q2"]
    assert q2.status is Status.MISSING and "EXPIRED (payment_expires)" in (q2.hint or "")


def test_evaluate__long_proof_keeps_the_newest_ids_and_counts_all(builder) -> None:
    for n in range(250):
        builder.get(f"acme-order-{n}", "CREATED")
    q4 = evaluate(builder.exchanges, now=NOW)["Q4"]
    assert q4.status is Status.MET and q4.proof_count == 250
    assert len(q4.exchange_ids) == 200 and q4.exchange_ids[-1] == builder.exchanges[-1].id
    assert len(q4.references) == 50
