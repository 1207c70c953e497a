"""Each automatic item's exact rule: a minimal log proves it; removed or altered proof does not.

The logs are from the test environment (production for G2); the same logs on the simulator or a
custom URL rehearse an item and never meet it (the `test_target__` cases).

Each case builds the smallest log that meets one item; every exchange in it is proof. Removing any
one of them, or changing it as named (a GET showing CREATED, a capture that stops short), must turn
the item missing. A new automatic item fails `test_every_automatic_item_has_a_case` until it has
a case here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from lib.checklist import ITEMS, Status, evaluate
from lib.exchange import Exchange
from tests.checklist.checklist_logs import NOW, LogBuilder, amounts

Change = Callable[[Exchange], None]
REF = "acme-order-1"


def respond(**changes: Any) -> Change:
    """Rewrite fields of the response body (None deletes one)."""

    def change(ex: Exchange) -> None:
        body = json.loads(ex.response_body or "{}")
        body.update(changes)
        ex.response_body = json.dumps({k: v for k, v in body.items() if v is not None})

    return change


def ask(**changes: Any) -> Change:
    """Rewrite fields of the request body (None deletes one)."""

    def change(ex: Exchange) -> None:
        body = json.loads(ex.request_body or "{}")
        body.update(changes)
        ex.request_body = json.dumps({k: v for k, v in body.items() if v is not None})

    return change


def status(code: int) -> Change:
    return lambda ex: setattr(ex, "status", code)


def target(name: str) -> Change:
    return lambda ex: setattr(ex, "target", name)


def answer(body: Any) -> Change:
    """Replace the whole response body."""
    return lambda ex: setattr(ex, "response_body", json.dumps(body))


def event_log(*names: str) -> Change:
    return answer([{"reference": REF, "name": n, "success": True} for n in names])


def reference(ref: str) -> Change:
    """The exchange concerns another reference: its field and its bodies say so."""

    def change(ex: Exchange) -> None:
        ex.reference = ref
        for name in ("request_body", "response_body"):
            body = json.loads(getattr(ex, name) or "null")
            if isinstance(body, dict) and "reference" in body:
                setattr(ex, name, json.dumps({**body, "reference": ref}))

    return change


def without_header(name: str) -> Change:
    return lambda ex: ex.request_headers.pop(name)


def then(*changes: Change) -> Change:
    def change(ex: Exchange) -> None:
        for step in changes:
            step(ex)

    return change


@dataclass(frozen=True)
class Case:
    build: Callable[[LogBuilder], None]  # the minimal proving log
    # name -> (index of the exchange in the log, the change that must unprove the item)
    altered: dict[str, tuple[int, Change]] = field(default_factory=dict)


def _webhook_and_poll(b: LogBuilder) -> None:
    b.delivery(REF)
    b.get(REF, "AUTHORIZED")


def _two_polls(b: LogBuilder) -> None:
    b.get(REF, "CREATED")
    b.get(REF, "AUTHORIZED")


def _captures(b: LogBuilder) -> None:
    b.modify("capture_payment", REF, 250, amounts(a=1000, c=250), "AUTHORIZED")
    b.modify("capture_payment", REF, 750, amounts(a=1000, c=1000), "AUTHORIZED")


def _refunds(b: LogBuilder) -> None:
    b.modify("refund_payment", REF, 100, amounts(a=1000, c=1000, r=100), "AUTHORIZED")
    b.modify("refund_payment", REF, 900, amounts(a=1000, c=1000, r=1000), "AUTHORIZED")


def _all_states(b: LogBuilder) -> None:
    for n, state in enumerate(("CREATED", "AUTHORIZED", "ABORTED", "EXPIRED", "TERMINATED")):
        b.get(f"acme-order-{n}", state)
    b.events(REF, "CAPTURED", "REFUNDED", "CANCELLED")


def _complete_order(where: str) -> Callable[[LogBuilder], None]:
    def build(b: LogBuilder) -> None:
        b.target = where
        b.events(REF, "CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED", "CANCELLED")

    return build


CASES: dict[str, Case] = {
    "E1": Case(
        lambda b: b.create(REF),
        {
            "refused": (0, status(400)),
            "no redirectUrl on WEB_REDIRECT": (0, respond(redirectUrl=None)),
            "no reference in the answer": (0, respond(reference=None)),
        },
    ),
    "E2": Case(
        lambda b: b.get(REF, "AUTHORIZED"),
        {"the GET shows CREATED": (0, respond(state="CREATED")), "not found": (0, status(404))},
    ),
    "E3": Case(
        lambda b: b.events(REF, "CREATED"),
        {"server error": (0, status(500)), "no event list": (0, answer({"title": "x"}))},
    ),
    "E4": Case(
        lambda b: b.modify("cancel_payment", REF, None, amounts(x=1000), "TERMINATED"),
        {
            "nothing cancelled": (0, respond(state="AUTHORIZED", aggregate=amounts(a=1000))),
            "refused": (0, status(400)),
        },
    ),
    "E5": Case(
        _captures,
        {
            "first captures everything": (
                0,
                then(
                    ask(modificationAmount={"value": 1000}),
                    respond(aggregate=amounts(a=1000, c=1000)),
                ),
            ),
            "second stops short": (1, respond(aggregate=amounts(a=1000, c=900))),
            "second refused": (1, status(409)),
        },
    ),  # fmt: skip
    "E6": Case(
        _refunds,
        {
            "first refunds everything": (
                0,
                then(
                    ask(modificationAmount={"value": 1000}),
                    respond(aggregate=amounts(a=1000, c=1000, r=1000)),
                ),
            ),
            "second stops short": (1, respond(aggregate=amounts(a=1000, c=1000, r=990))),
            "first refused": (0, status(400)),
        },
    ),  # fmt: skip
    "Q1": Case(
        _webhook_and_poll,
        {
            "bad signature": (0, respond(verdict="bad_signature")),
            "GET of another payment": (1, reference("acme-order-2")),
        },
    ),
    "Q2": Case(
        _all_states,
        {
            "ABORTED never shown": (2, respond(state="AUTHORIZED")),
            "no REFUNDED event": (5, event_log("CAPTURED", "CANCELLED")),
            "EXPIRED GET failed": (3, status(500)),
        },
    ),
    "Q3": Case(
        lambda b: b.problem(REF),
        {
            "not problem+json": (
                0,
                lambda ex: ex.response_headers.update({"Content-Type": "application/json"}),
            ),
            "no ErrorCode": (0, respond(extraDetails=None)),
            "no traceId": (0, respond(traceId=None)),
        },
    ),  # fmt: skip
    "Q4": Case(
        lambda b: b.get(REF, "CREATED"),
        {
            "no Vipps-System-Version": (0, without_header("Vipps-System-Version")),
            "no Merchant-Serial-Number": (0, without_header("Merchant-Serial-Number")),
        },
    ),
    "Q5": Case(
        lambda b: b.create(REF, receipt=True),
        {"no receipt": (0, ask(receipt=None)), "refused": (0, status(400))},
    ),
    "P1": Case(
        lambda b: b.create(REF),
        {
            "leading zero": (0, reference("0acme-order-1")),
            "purely numeric": (0, reference("12345678")),
            "too short": (0, reference("acme-1")),
        },
    ),
    "P2": Case(
        _two_polls,
        {
            "second GET of another payment": (1, reference("acme-order-2")),
            "failed": (1, status(500)),
        },
    ),
    "G2": Case(
        _complete_order("production"),
        {
            "in the test environment": (0, target("test")),
            "never cancelled": (0, event_log("AUTHORIZED", "CAPTURED", "REFUNDED")),
        },
    ),
    "G3": Case(
        _complete_order("test"),
        {
            "in production": (0, target("production")),
            "never captured": (0, event_log("AUTHORIZED", "REFUNDED", "CANCELLED")),
            "never authorized": (0, event_log("CREATED", "CAPTURED", "REFUNDED", "CANCELLED")),
        },
    ),
}
ALTERED = [(item, name) for item, case in CASES.items() for name in case.altered]


def minimal_log(item_id: str) -> list[Exchange]:
    builder = LogBuilder()
    CASES[item_id].build(builder)
    return builder.exchanges


def status_of(item_id: str, log: list[Exchange]) -> Status:
    return evaluate(log, now=NOW)[item_id].status


def test_every_automatic_item_has_a_case() -> None:
    assert set(CASES) == {item.id for item in ITEMS if item.automatic}
    assert all(case.altered for case in CASES.values())


@pytest.mark.parametrize("item_id", list(CASES))
def test_rule__minimal_log_meets_it_and_all_of_it_is_proof(item_id: str) -> None:
    log = minimal_log(item_id)
    result = evaluate(log, now=NOW)[item_id]
    assert result.status is Status.MET
    assert result.exchange_ids == tuple(ex.id for ex in log)


@pytest.mark.parametrize("item_id", list(CASES))
def test_rule__removing_any_proving_exchange_misses_it(item_id: str) -> None:
    log = minimal_log(item_id)
    for index, ex in enumerate(log):
        rest = log[:index] + log[index + 1 :]
        assert status_of(item_id, rest) is Status.MISSING, f"still met without {ex.operation}"


@pytest.mark.parametrize(("item_id", "alteration"), ALTERED)
def test_rule__altered_proof_misses_it(item_id: str, alteration: str) -> None:
    log = minimal_log(item_id)
    index, change = CASES[item_id].altered[alteration]
    change(log[index])
    result = evaluate(log, now=NOW)[item_id]
    assert result.status is Status.MISSING
    assert result.hint


def _push_create(b: LogBuilder) -> None:
    b.create(REF, flow="PUSH_MESSAGE")
    respond(redirectUrl=None)(b.exchanges[-1])


OTHER_PROOFS: dict[str, tuple[str, Callable[[LogBuilder], None]]] = {
    "PUSH_MESSAGE has no redirectUrl": ("E1", _push_create),
    "cancel after approval releases the rest": (
        "E4",
        lambda b: b.modify(
            "cancel_payment", REF, None, amounts(a=1000, c=250, x=750), "AUTHORIZED"
        ),
    ),
    "every final state counts, EXPIRED too": ("E2", lambda b: b.get(REF, "EXPIRED")),
    "a GET after the cancel shows the whole order": (
        "G3",
        lambda b: b.get(REF, "AUTHORIZED", amounts(a=1000, c=250, x=750, r=100)),
    ),
}


@pytest.mark.parametrize("variant", list(OTHER_PROOFS))
def test_rule__other_proofs_the_checklist_allows_meet_it(variant: str) -> None:
    item_id, build = OTHER_PROOFS[variant]
    builder = LogBuilder()
    build(builder)
    assert status_of(item_id, builder.exchanges) is Status.MET


def test_rule__g3_writes_answers_are_no_verification(builder: LogBuilder) -> None:
    """Capture, refund and cancel answers show the amounts, but G3 asks to read the payment back."""
    builder.modify("capture_payment", REF, 250, amounts(a=1000, c=250), "AUTHORIZED")
    builder.modify("refund_payment", REF, 100, amounts(a=1000, c=250, r=100), "AUTHORIZED")
    builder.modify("cancel_payment", REF, None, amounts(a=1000, c=250, x=750, r=100), "AUTHORIZED")
    assert status_of("G3", builder.exchanges) is Status.MISSING
    builder.get(REF, "AUTHORIZED", amounts(a=1000, c=250, x=750, r=100))
    assert status_of("G3", builder.exchanges) is Status.MET


def test_rule__g3_never_joins_two_environments_orders() -> None:
    """The same reference string in test and on the simulator is two payments, not one order."""
    builder = LogBuilder()
    builder.events(REF, "AUTHORIZED", "CAPTURED")
    builder.target = "simulator"
    builder.events(REF, "REFUNDED", "CANCELLED")
    assert status_of("G3", builder.exchanges) is Status.MISSING


# Target-aware evidence: an item is met only by its own environment's exchanges (test, or
# production for G2); the simulator and custom URLs rehearse it, and never meet it.


def retargeted(item_id: str, where: str) -> list[Exchange]:
    log = minimal_log(item_id)
    for ex in log:
        ex.target = where
    return log


@pytest.mark.parametrize("where", ["simulator", "custom"])
@pytest.mark.parametrize("item_id", list(CASES))
def test_target__the_minimal_log_on_a_rehearsal_target_is_rehearsed(
    item_id: str, where: str
) -> None:
    log = retargeted(item_id, where)
    result = evaluate(log, now=NOW)[item_id]
    assert result.status is Status.REHEARSED
    assert result.exchange_ids == tuple(ex.id for ex in log)
    assert result.targets == (where,)
    assert "not evidence for Vipps" in (result.hint or "")


@pytest.mark.parametrize("item_id", list(CASES))
def test_target__a_rehearsal_is_as_strict_as_the_real_thing(item_id: str) -> None:
    log = retargeted(item_id, "simulator")
    for index, ex in enumerate(log):
        rest = log[:index] + log[index + 1 :]
        assert status_of(item_id, rest) is Status.MISSING, f"rehearsed without {ex.operation}"


@pytest.mark.parametrize("item_id", list(CASES))
def test_target__met_only_in_its_own_environment(item_id: str) -> None:
    own = "production" if item_id == "G2" else "test"
    other = "test" if item_id == "G2" else "production"
    assert status_of(item_id, retargeted(item_id, own)) is Status.MET
    result = evaluate(retargeted(item_id, other), now=NOW)[item_id]
    assert result.status is Status.MISSING
    assert f"shown only in {'the test environment' if other == 'test' else other}" in (
        result.hint or ""
    )


def _whole_battery(where: str) -> list[Exchange]:
    """Every automatic item's minimal log, side by side, in one environment."""
    log: list[Exchange] = []
    for item_id in CASES:
        log += retargeted(item_id, where)
    for n, ex in enumerate(log, 1):
        ex.id = n
    return log


def test_target__one_log_per_environment() -> None:
    automatic = set(CASES)
    by_status = {
        where: {r.item.id: r.status for r in evaluate(_whole_battery(where), now=NOW).automatic}
        for where in ("simulator", "custom", "test", "production")
    }
    assert set(by_status["simulator"].values()) == {Status.REHEARSED}
    assert set(by_status["custom"].values()) == {Status.REHEARSED}
    test_met = {i for i, s in by_status["test"].items() if s is Status.MET}
    assert test_met == automatic - {"G2"}
    assert {i for i, s in by_status["production"].items() if s is Status.MET} == {"G2"}


def test_target__a_partial_on_test_and_a_full_on_the_simulator_is_a_rehearsal() -> None:
    log = minimal_log("E5")
    log[1].target = "simulator"
    result = evaluate(log, now=NOW)["E5"]
    assert result.status is Status.REHEARSED
    assert result.targets == ("test", "simulator")
    assert "exchanges with the simulator" in (result.hint or "")


def test_target__real_evidence_wins_over_a_newer_rehearsal() -> None:
    real = minimal_log("E1")
    rehearsal = LogBuilder(target="simulator")
    rehearsal.create(REF)
    result = evaluate(real + rehearsal.exchanges, now=NOW)["E1"]
    assert result.status is Status.MET and result.targets == ("test",)
