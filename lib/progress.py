"""How far the quick start got: the steps done, and the earlier step a step still needs."""

from __future__ import annotations

from lib.epayment.models import Payment, PaymentState
from lib.quickstart import STEP_BY_KEY, Step


def steps_done(
    marks: set[str],
    reference: str | None,
    payment: Payment | None,
    *,
    settings_ok: bool = False,
    token_ok: bool = False,
) -> set[str]:
    """Steps done: explicit marks plus what the session shows.

    Setup counts when complete settings are active, the token when one was issued with them,
    also implicitly by a later call (a walk that skipped the buttons still did both steps).
    """
    done = set(marks)
    if settings_ok:
        done.add("setup")
    if token_ok:
        done.add("token")
    if reference or payment is not None:
        done.add("create")
    if payment is None:
        return done
    if payment.state not in (None, PaymentState.CREATED):
        done.update({"complete", "status"})
    aggregate = payment.aggregate
    if aggregate.captured:
        done.add("capture")
    if aggregate.refunded:
        done.add("refund")
    if aggregate.cancelled or payment.state == PaymentState.TERMINATED:
        done.add("cancel")
    return done


def missing_step(key: str, reference: str | None, payment: Payment | None) -> Step | None:
    """The earlier step this one needs first, or None when it can run."""
    if key in ("setup", "token", "create"):
        return None
    if not reference:
        return STEP_BY_KEY["create"]
    state = payment.state if payment is not None else None
    if key == "capture" and state != PaymentState.AUTHORIZED:
        return STEP_BY_KEY["complete"]
    if key == "refund" and (payment is None or not payment.aggregate.captured):
        return STEP_BY_KEY["capture"]
    return None
