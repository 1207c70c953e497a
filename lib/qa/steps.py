"""Step builders: small functions over the client that return a Step with its expected outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lib.epayment import ApiResult, EPaymentError
from lib.epayment.models import EventName, PaymentState
from lib.qa.context import Context
from lib.qa.scenario import Expect, Observed, Step

RETURN_URL = "https://example.com/epayment-lab/return"
RECEIPT_LINE = {"name": "ePayment Lab test item", "id": "item-1", "taxRate": 2500}


def observe(call: Callable[[], ApiResult | None]) -> Observed:
    """Run one client call; a refusal is an observation too, not an exception."""
    try:
        result = call()
    except EPaymentError as error:
        return Observed(error.status, error.problem or None, error.error_code, str(error))
    if result is None:
        return Observed(200)
    return Observed(result.status, result.data)


def receipt(ctx: Context) -> dict[str, Any]:
    excluding_tax = ctx.amount * 4 // 5  # RECEIPT_LINE's 25 % tax
    line = {
        **RECEIPT_LINE,
        "totalAmount": ctx.amount,
        "totalAmountExcludingTax": excluding_tax,
        "totalTaxAmount": ctx.amount - excluding_tax,
    }
    return {"orderLines": [line], "bottomLine": {"currency": ctx.currency}}


def create(flow: str = "WEB_REDIRECT", *, with_receipt: bool = False, name: str = "create") -> Step:
    def action(ctx: Context) -> Observed:
        ctx.reference = ctx.new_reference()
        return _create(ctx, flow, with_receipt)

    return Step(name, action, Expect(status=201, redirect=flow != "PUSH_MESSAGE"))


def create_again(name: str = "create-reused-reference") -> Step:
    """The same reference with a new Idempotency-Key: refused, never a second payment."""
    return Step(name, lambda ctx: _create(ctx, "WEB_REDIRECT", False), Expect(409, "4150"))


def _create(ctx: Context, flow: str, with_receipt: bool) -> Observed:
    extra: dict[str, Any] = {"receipt": receipt(ctx)} if with_receipt else {}
    if flow == "QR":
        extra["qrFormat"] = {"format": "IMAGE/SVG+XML"}
    phone = ctx.phone_number if flow in ("PUSH_MESSAGE", "NATIVE_REDIRECT") else None
    return observe(
        lambda: ctx.client.create_payment(
            amount=ctx.amount,
            currency=ctx.currency,
            reference=ctx.reference,
            user_flow=flow,
            return_url=RETURN_URL if flow in ("WEB_REDIRECT", "NATIVE_REDIRECT") else None,
            phone_number=phone,
            description=f"ePayment Lab QA {ctx.code}",
            **extra,
        )
    )


def get(state: PaymentState, name: str | None = None, **aggregate: int) -> Step:
    """GET the payment: in `state`, with each given Aggregate field (minor units) as named."""
    action = lambda ctx: observe(lambda: ctx.client.get_payment(ctx.reference))  # noqa: E731
    return Step(
        name or f"get-{state.lower()}", action, Expect(200, state=state, aggregate=aggregate)
    )


def get_unknown(name: str = "get-unknown-reference") -> Step:
    def action(ctx: Context) -> Observed:
        ctx.reference = ctx.new_reference()  # never created
        return observe(lambda: ctx.client.get_payment(ctx.reference))

    return Step(name, action, Expect(status=404))


def events(*names: str, once: tuple[str, ...] = (), name: str = "events") -> Step:
    """The event log: each of `names` in it, each of `once` exactly once."""
    action = lambda ctx: observe(lambda: ctx.client.get_payment_event_log(ctx.reference))  # noqa: E731
    typed, typed_once = tuple(map(EventName, names)), tuple(map(EventName, once))
    return Step(name, action, Expect(200, events=typed, once=typed_once))


def user(act: str) -> Step:
    """The user's part: "approve", "reject" or "expire" (see lib.qa.actor)."""

    def action(ctx: Context) -> Observed:
        seen = observe(lambda: getattr(ctx.actor, act)(ctx.reference))
        if seen.status == 200:
            seen.message = f"{act}: {getattr(ctx.actor, 'how', ctx.actor.target)}"
        return seen

    return Step(f"user-{act}", action, Expect(status=200), user=act)


def _amount(ctx: Context, n: int | str) -> int:
    """n as minor units, or "all" for the payment amount, or "all+1" just above it."""
    if n == "all":
        return ctx.amount
    if n == "all+1":
        return ctx.amount + 1
    return int(n)


def capture(n: int | str, expect: Expect | None = None, *, key: str | None = None,
            name: str | None = None) -> Step:  # fmt: skip
    def action(ctx: Context) -> Observed:
        idem = ctx.key(key) if key else None
        amount = _amount(ctx, n)
        return observe(
            lambda: ctx.client.capture_payment(ctx.reference, amount, idempotency_key=idem)
        )

    ok = Expect(status=200, state=PaymentState.AUTHORIZED)
    return Step(name or f"capture-{n}", action, expect or ok)


def refund(n: int | str, expect: Expect | None = None, *, name: str | None = None) -> Step:
    def action(ctx: Context) -> Observed:
        amount = _amount(ctx, n)
        return observe(lambda: ctx.client.refund_payment(ctx.reference, amount))

    ok = Expect(status=200, state=PaymentState.AUTHORIZED)
    return Step(name or f"refund-{n}", action, expect or ok)


def cancel(expect: Expect, name: str = "cancel") -> Step:
    action = lambda ctx: observe(lambda: ctx.client.cancel_payment(ctx.reference))  # noqa: E731
    return Step(name, action, expect)


def wrong_keys(name: str = "token-with-wrong-secret") -> Step:
    def action(ctx: Context) -> Observed:
        if ctx.wrong_client is None:
            raise RuntimeError("no client with wrong keys configured for this run")
        client = ctx.wrong_client()
        return observe(client.get_access_token)

    return Step(name, action, Expect(status=(400, 401, 403)))
