"""Money conversion, reference generation and payment states."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from lib.epayment import PaymentState, is_valid_reference, new_reference, to_major, to_minor


@pytest.mark.parametrize(
    ("major", "minor"),
    [("10.50", 1050), ("10", 1000), ("0.01", 1), ("1,5", 150), (Decimal("1.1"), 110), (3, 300)],
)
def test_to_minor_is_exact(major: object, minor: int) -> None:
    assert to_minor(major) == minor  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["10.505", "-1", "abc", "NaN", ""])
def test_to_minor_refuses_fractions_negatives_and_garbage(bad: str) -> None:
    with pytest.raises(ValueError):
        to_minor(bad)


def test_to_minor_refuses_floats() -> None:
    with pytest.raises(TypeError):
        to_minor(10.5)  # type: ignore[arg-type]


def test_to_major() -> None:
    assert to_major(1050) == Decimal("10.50")
    assert str(to_major(1)) == "0.01"


def test_reference_is_valid_unique_and_traceable() -> None:
    now = datetime(2026, 11, 25, 11, 36, 0, tzinfo=UTC)
    refs = {new_reference("shop-123456", now=now) for _ in range(200)}
    assert len(refs) == 200
    for ref in refs:
        assert ref.startswith("shop-123456-20261125113600-")
        assert is_valid_reference(ref) and not ref.isdigit()


def test_reference_prefix_is_cleaned_and_kept_within_50_chars() -> None:
    ref = new_reference("0 weird/prefix_" + "x" * 80)
    assert is_valid_reference(ref) and len(ref) <= 50
    assert not ref.startswith("0")
    assert is_valid_reference(new_reference(""))


def test_payment_state_finality() -> None:
    assert not PaymentState.CREATED.is_final
    assert all(s.is_final for s in PaymentState if s is not PaymentState.CREATED)
