"""The fields a scenario file's step may have, each with its check; `do` picks the step builder."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from lib.epayment.models import Aggregate, EventName, PaymentState
from lib.qa import steps
from lib.qa.scenario import Expect, Step

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
FLOWS = ("WEB_REDIRECT", "NATIVE_REDIRECT", "QR", "PUSH_MESSAGE")
AGGREGATE_FIELDS = tuple(f.name for f in fields(Aggregate))


class FieldProblem(ValueError):
    """One field's value is wrong; `field` is its key below the step (e.g. ("expect", "state"))."""

    def __init__(self, message: str, field: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.field = field


def _text(value: Any) -> str:
    if isinstance(value, str) and value:
        return value
    raise FieldProblem(f"must be text, got {value!r}")


def _name(value: Any) -> str:
    if isinstance(value, str) and NAME.match(value):
        return value
    raise FieldProblem(f"must be letters, digits, '-' or '_', got {value!r}")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise FieldProblem(f"must be true or false, got {value!r}")


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise FieldProblem(f"must be a whole number of minor units (0 or more), got {value!r}")


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value in options:
            return str(value)
        raise FieldProblem(f"must be one of {', '.join(options)}, got {value!r}")

    return check


_state = _choice(tuple(PaymentState))
_event = _choice(tuple(EventName))


def _events(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise FieldProblem(f"must be a list of event names ({', '.join(EventName)})")
    return tuple(_event(v) for v in value)


def _amount(value: Any) -> int | str:
    """Minor units, or "all" (the payment's amount), or "all+1" (just above it)."""
    if value in ("all", "all+1"):
        return str(value)
    try:
        return _int(value)
    except FieldProblem:
        raise FieldProblem(f'must be minor units, "all" or "all+1", got {value!r}') from None


def _aggregate(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise FieldProblem(f"must be a table of {', '.join(AGGREGATE_FIELDS)}")
    out = {}
    for key, amount in value.items():
        if key not in AGGREGATE_FIELDS:
            known = ", ".join(AGGREGATE_FIELDS)
            raise FieldProblem(f"{key!r} is not an aggregate field ({known})", (str(key),))
        try:
            out[str(key)] = _int(amount)
        except FieldProblem as problem:
            raise FieldProblem(str(problem), (str(key),)) from None
    return out


def _status(value: Any) -> int | tuple[int, ...]:
    codes = value if isinstance(value, list) else [value]
    whole = all(isinstance(c, int) and not isinstance(c, bool) for c in codes)
    if codes and whole and all(100 <= c <= 599 for c in codes):
        return codes[0] if len(codes) == 1 else tuple(codes)
    raise FieldProblem(f"must be an HTTP status or a list of them, got {value!r}")


EXPECT_FIELDS: dict[str, Callable[[Any], Any]] = {
    "status": _status,
    "error_code": lambda v: _text(str(v) if isinstance(v, int) else v),
    "state": _state,
    "redirect": _bool,
    "aggregate": _aggregate,
    "events": _events,
    "once": _events,
}


def _expect(value: Any) -> Expect:
    if not isinstance(value, Mapping):
        raise FieldProblem(f"must be a table of {', '.join(EXPECT_FIELDS)}")
    checked = _checked(value, EXPECT_FIELDS)
    return Expect(**checked)


def _checked(
    table: Mapping[str, Any], checks: Mapping[str, Callable[[Any], Any]]
) -> dict[str, Any]:
    out = {}
    for key, value in table.items():
        if key not in checks:
            raise FieldProblem(f"unknown field {key!r} (known: {', '.join(checks)})", (str(key),))
        try:
            out[key] = checks[key](value)
        except FieldProblem as problem:
            raise FieldProblem(str(problem), (key, *problem.field)) from None
    return out


@dataclass(frozen=True)
class StepKind:
    """One value of `do`: the fields it takes (beyond `do` and `name`), which are required, and
    the builder that makes the Step from the checked fields."""

    build: Callable[..., Step]
    fields: Mapping[str, Callable[[Any], Any]]
    required: tuple[str, ...] = ()
    named: bool = True  # False: the builder names the step itself


def _user(act: str) -> StepKind:
    return StepKind(lambda: steps.user(act), {}, named=False)  # named user-<act>


def _named(builder: Callable[..., Step]) -> Callable[..., Step]:
    """Passes `name` on only when the file gives one, so each builder keeps its default."""
    return lambda name=None, **kw: builder(**kw, **({"name": name} if name else {}))


STEP_KINDS: dict[str, StepKind] = {
    "create": StepKind(
        lambda flow="WEB_REDIRECT", receipt=False, name="create": steps.create(
            flow, with_receipt=receipt, name=name
        ),
        {"flow": _choice(FLOWS), "receipt": _bool},
    ),
    "create_again": StepKind(_named(steps.create_again), {}),
    "get": StepKind(
        lambda state, aggregate=None, name=None: steps.get(state, name, **(aggregate or {})),
        {"state": _state, "aggregate": _aggregate},
        ("state",),
    ),
    "get_unknown": StepKind(_named(steps.get_unknown), {}),
    "events": StepKind(
        lambda names, once=(), name="events": steps.events(*names, once=once, name=name),
        {"names": _events, "once": _events},
        ("names",),
    ),
    "approve": _user("approve"),
    "reject": _user("reject"),
    "expire": _user("expire"),
    "capture": StepKind(
        lambda amount, expect=None, key=None, name=None: steps.capture(
            amount, expect, key=key, name=name
        ),
        {"amount": _amount, "expect": _expect, "key": _name},
        ("amount",),
    ),
    "refund": StepKind(
        lambda amount, expect=None, name=None: steps.refund(amount, expect, name=name),
        {"amount": _amount, "expect": _expect},
        ("amount",),
    ),
    "cancel": StepKind(_named(steps.cancel), {"expect": _expect}, ("expect",)),
    "wrong_keys": StepKind(_named(steps.wrong_keys), {}),
}


def build_step(table: Mapping[str, Any]) -> Step:
    """One step from its table (`do` and its fields); FieldProblem names what is wrong."""
    do = table.get("do")
    kind = STEP_KINDS.get(do) if isinstance(do, str) else None
    if kind is None:
        raise FieldProblem(f"must be one of {', '.join(STEP_KINDS)}, got {do!r}", ("do",))
    rest = {k: v for k, v in table.items() if k != "do"}
    checks = {"name": _name, **kind.fields} if kind.named else dict(kind.fields)
    checked = _checked(rest, checks)
    missing = [f for f in kind.required if f not in checked]
    if missing:
        raise FieldProblem(f"'{do}' needs {', '.join(missing)}")
    return kind.build(**checked)
