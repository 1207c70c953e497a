"""The plain summary (page, report, CLI): met and rehearsed apart, rehearsal and age warnings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lib.checklist import (
    Status,
    age_text,
    age_warning,
    completeness_line,
    evaluate,
    proven_text,
    rehearsal_warning,
    summary_lines,
)
from tests.checklist.checklist_logs import NOW, LogBuilder, complete_log


def test_summary__a_simulator_battery_is_a_rehearsal_and_meets_nothing() -> None:
    result = evaluate(complete_log(LogBuilder(target="simulator")).exchanges, now=NOW)
    assert result.completeness == 0.0
    assert completeness_line(result) == (
        "0 of 15 automatic items met · 14 rehearsed on the simulator · 1 missing"
    )
    lines = summary_lines(result)
    assert lines[0] == "Checklist: " + completeness_line(result)
    assert lines[1].startswith("Warning: This evidence is a rehearsal on the simulator.")
    assert "not evidence for Vipps" in lines[1]
    assert lines[-1].startswith("Not met for Vipps: E1, E2, E3")


def test_summary__a_custom_url_is_a_rehearsal_too() -> None:
    result = evaluate(complete_log(LogBuilder(target="custom")).exchanges, now=NOW)
    assert "14 rehearsed on a custom URL" in completeness_line(result)
    assert "rehearsal on a custom URL" in (rehearsal_warning(result) or "")


def test_summary__the_test_environment_needs_no_rehearsal_warning() -> None:
    result = evaluate(complete_log(LogBuilder()).exchanges, now=NOW)
    assert completeness_line(result) == "13 of 15 automatic items met · 2 missing"
    assert rehearsal_warning(result) is None
    assert summary_lines(result) == [
        "Checklist: 13 of 15 automatic items met · 2 missing",
        "Not met for Vipps: Q1, G2",
    ]


def test_summary__a_mixed_log_names_the_rehearsed_items() -> None:
    real = complete_log(LogBuilder()).exchanges
    rehearsal = LogBuilder(target="simulator")
    rehearsal.delivery("acme-order-9")
    rehearsal.get("acme-order-9", "AUTHORIZED")
    result = evaluate(real + rehearsal.exchanges, now=NOW)
    assert result["Q1"].status is Status.REHEARSED
    assert result.rehearsal_targets == ("simulator",)
    assert completeness_line(result) == (
        "13 of 15 automatic items met · 1 rehearsed on the simulator · 1 missing"
    )
    warning = rehearsal_warning(result) or ""
    assert warning.startswith("Q1: shown only in a rehearsal on the simulator")
    assert "in the test environment" in warning
    assert [r.item.id for r in result.open_items] == ["Q1", "G2"]


@pytest.mark.parametrize(
    ("age", "warned"),
    [(timedelta(days=24), False), (timedelta(days=25), False),
     (timedelta(days=25, minutes=1), True), (timedelta(days=31), True)],
)  # fmt: skip
def test_age__warns_past_25_days(age: timedelta, warned: bool) -> None:
    log = complete_log(LogBuilder(at=NOW - age)).exchanges
    result = evaluate(log, now=NOW)
    warning = age_warning(result)
    assert (warning is not None) is warned
    if warned:
        assert "E1, E2, E3" in warning and f"up to {age.days} days old" in warning
        assert "no older than 1 month" in warning
        assert any(line.startswith("Warning: Older than 25 days") for line in summary_lines(result))


def test_age__each_proof_has_its_date_and_age_from_the_injected_now() -> None:
    log = complete_log(LogBuilder(at=NOW - timedelta(days=3, hours=2))).exchanges
    e1 = evaluate(log, now=NOW)["E1"]
    assert e1.age == timedelta(days=3, hours=2)
    assert proven_text(e1) == "2026-11-22 (3 days)"
    assert e1.to_dict()["age_days"] == 3
    later = evaluate(log, now=NOW + timedelta(days=30))["E1"]
    assert later.status is Status.STALE and proven_text(later) == "2026-11-22 (33 days)"
    assert proven_text(evaluate([], now=NOW)["E1"]) == ""


def test_age__old_printed_examples_are_named_even_when_the_items_are_fresh() -> None:
    old = LogBuilder(at=NOW - timedelta(days=28))
    old.create("acme-order-old")
    fresh = complete_log(LogBuilder()).exchanges
    result = evaluate(fresh + old.exchanges, now=NOW)
    assert age_warning(result) is None
    warning = age_warning(result, old.exchanges) or ""
    assert "1 of the request examples printed here (up to 28 days old)" in warning


def test_age__text() -> None:
    assert age_text(timedelta(hours=5)) == "today"
    assert age_text(timedelta(days=1, hours=2)) == "1 day"
    assert age_text(timedelta(days=27)) == "27 days"
