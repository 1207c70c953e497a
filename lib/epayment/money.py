"""Amount conversion between major units (kroner, euro) and the API's minor units (øre, cent)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def to_minor(amount: str | int | Decimal) -> int:
    """Convert "10.50" (or Decimal/int kroner) to 1050 øre, exactly.

    Floats are refused on purpose: 0.1 + 0.2 style rounding must never reach a payment.
    """
    if isinstance(amount, (bool, float)):
        raise TypeError(f"Give the amount as a string or Decimal, not {type(amount).__name__}.")
    try:
        value = Decimal(str(amount).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{amount!r} is not an amount; write it like '10.50'.") from None
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not an amount; write it like '10.50'.")
    if value < 0:
        raise ValueError(f"Amount {amount!r} is negative; amounts are never negative.")
    minor = value * 100
    if minor != minor.to_integral_value():
        raise ValueError(f"Amount {amount!r} has more than 2 decimals (øre/cents are the unit).")
    return int(minor)


def to_major(minor: int) -> Decimal:
    """Convert 1050 øre to Decimal("10.50")."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError(f"Minor units are whole numbers, got {minor!r}.")
    return (Decimal(minor) / 100).quantize(Decimal("0.01"))
