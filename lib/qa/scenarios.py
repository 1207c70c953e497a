"""The QA battery: every scenario issue 5 asks for, as data over the step builders."""

from __future__ import annotations

from lib.epayment.models import PaymentState as S
from lib.qa.scenario import Expect, Scenario
from lib.qa.steps import (
    cancel,
    capture,
    create,
    create_again,
    events,
    get,
    get_unknown,
    refund,
    user,
    wrong_keys,
)

# Amounts below assume Context.amount == 1000 minor units (NOK 10.00), the runner's default;
# aggregate keys are Aggregate's fields, states PaymentState (S).
OK = Expect(status=200, state=S.AUTHORIZED)


def _user_flow(flow: str) -> Scenario:
    slug = flow.lower().replace("_", "-")
    return Scenario(
        f"user_flow_{flow.lower()}",
        f"userFlow {flow}: create, approve, cancel",
        (
            create(flow),
            user("approve"),
            get(S.AUTHORIZED),
            cancel(Expect(200, state=S.AUTHORIZED, aggregate={"cancelled": 1000})),
        ),
        ("E1", "E2", "E4"),
        f"flow-{slug}",
    )


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "full_capture_refund",
        "Full capture, then full refund (with a receipt)",
        (
            create(with_receipt=True),
            get(S.CREATED),
            user("approve"),
            get(S.AUTHORIZED, authorized=1000),
            capture("all", Expect(200, state=S.AUTHORIZED, aggregate={"captured": 1000})),
            refund("all", Expect(200, state=S.AUTHORIZED, aggregate={"refunded": 1000})),
            events("CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED"),
        ),
        ("E1", "E2", "E3", "E5", "E6", "Q2", "Q5", "P1", "P2"),
        "full",
    ),
    Scenario(
        "partial_capture_refund_cancel",
        "Partial capture, partial refund, cancel of the rest",
        (
            create(),
            user("approve"),
            get(S.AUTHORIZED),
            capture(250, Expect(200, state=S.AUTHORIZED, aggregate={"captured": 250})),
            refund(100, Expect(200, state=S.AUTHORIZED, aggregate={"refunded": 100})),
            cancel(Expect(200, state=S.AUTHORIZED, aggregate={"cancelled": 750})),
            get(S.AUTHORIZED, name="get-after-cancel", captured=250, cancelled=750),
            events("CAPTURED", "REFUNDED", "CANCELLED"),
        ),
        ("E4", "E5", "E6", "Q2", "G3"),
        "partial",
    ),
    Scenario(
        "cancel_before_approval",
        "Cancel before the user approves (TERMINATED)",
        (
            create(),
            cancel(Expect(200, state=S.TERMINATED)),
            get(S.TERMINATED),
        ),
        ("E4", "Q2"),
        "cancel",
    ),
    Scenario(
        "user_rejects",
        "The user rejects (ABORTED)",
        (create(), user("reject"), get(S.ABORTED)),
        ("Q2",),
        "reject",
    ),
    Scenario(
        "payment_expires",
        "Nobody acts (EXPIRED)",
        (create(), user("expire"), get(S.EXPIRED)),
        ("Q2",),
        "expire",
    ),
    Scenario(
        "refusal_capture_before_approval",
        "Refused: capture before approval (6080)",
        (create(), capture("all", Expect(400, "6080"))),
        ("Q3",),
        "no-auth-capture",
    ),
    Scenario(
        "refusal_capture_above_authorized",
        "Refused: capture above the authorized amount (6090)",
        (create(), user("approve"), capture("all+1", Expect(400, "6090"))),
        ("Q3",),
        "over-capture",
    ),
    Scenario(
        "refusal_refund_above_captured",
        "Refused: refund above the captured amount (6150)",
        (create(), user("approve"), capture(500, OK), refund(600, Expect(400, "6150"))),
        ("Q3",),
        "over-refund",
    ),
    Scenario(
        "refusal_unknown_reference",
        "Refused: unknown reference (404)",
        (get_unknown(),),
        ("Q3",),
        "unknown",
    ),
    Scenario(
        "refusal_reused_reference",
        "Refused: reused reference (409)",
        (create(), create_again()),
        ("Q3",),
        "reused",
    ),
    Scenario(
        "refusal_wrong_keys",
        "Refused: wrong keys (access token)",
        (wrong_keys(),),
        ("Q3",),
        "keys",
    ),
    Scenario(
        "idempotent_capture_retry",
        "An idempotent retry does not double a capture",
        (
            create(),
            user("approve"),
            capture(500, OK, key="capture", name="capture"),
            capture(500, OK, key="capture", name="capture-retry-same-key"),
            get(S.AUTHORIZED, name="get-captured-once", captured=500),
            events("CAPTURED", once=("CAPTURED",)),
        ),
        ("E5",),
        "retry",
    ),
    *(_user_flow(flow) for flow in ("WEB_REDIRECT", "NATIVE_REDIRECT", "QR", "PUSH_MESSAGE")),
)

SCENARIO_NAMES: tuple[str, ...] = tuple(s.name for s in SCENARIOS)


def scenario_by_name(name: str) -> Scenario:
    for scenario in SCENARIOS:
        if scenario.name == name:
            return scenario
    raise KeyError(f"no scenario {name!r}; known: {', '.join(SCENARIO_NAMES)}")
