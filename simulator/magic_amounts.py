"""The test environment's special amounts (reference §9): declined cards and failing refunds."""

from __future__ import annotations

from simulator import exceptions as ex

# Card outcomes of the test environment's special amounts. How they surface in ePayment is
# UNCONFIRMED; here the user's approval fails: an AUTHORIZED event with success false, then
# ABORTED. 201 ("unknown result for 1 hour") is not simulated.
DECLINED_AMOUNTS: dict[int, str] = {
    151: "insufficient funds",
    182: "refused by issuer",
    183: "suspected fraud",
    184: "withdrawal limit exceeded",
    186: "expired card",
    187: "invalid card",
    197: "3-D Secure denied",
    202: "SCA required",
}
TEST_CARD_BIN = "429198"  # observed after force approve in the test environment

# Refund amounts that fail in the test environment. How they surface is UNCONFIRMED: here the
# refund is refused and the log gets a REFUNDED event with success false.
REFUND_FAILURES: dict[int, tuple[type[ex.DomainError], str]] = {
    123: (
        ex.RefundNotPossible,
        "The refund cannot be made (test amount 123: no receiving account).",
    ),
    124: (ex.RefundPeriodExpired, "The refund period has expired (test amount 124)."),
}
