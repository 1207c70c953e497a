"""Stateful fuzzing: a fresh payment in the state a case asks for, and what the run reached."""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# The states a capture, refund, cancel, GET or force approve is aimed at ("final": nothing can
# change any more: TERMINATED, ABORTED, EXPIRED, or captured and refunded in full).
STATES = ("CREATED", "AUTHORIZED", "captured", "refunded", "final")
FINAL_KINDS = ("TERMINATED", "ABORTED", "EXPIRED", "fully refunded")
AUTHORIZED_VALUE = 5000
MONEY_PATHS = ("/v1/payments/{Reference}/capture", "/v1/payments/{Reference}/refund")


def digest(*parts: Any) -> int:
    """A stable number for a case (its hash decides, so a replayed case decides the same)."""
    return int(hashlib.sha256(repr(parts).encode()).hexdigest(), 16)


@dataclass
class FuzzStats:
    """What the run exercised: per operation, the target states and the answers."""

    cases: int = 0
    targeted: Counter[tuple[str, str]] = field(default_factory=Counter)  # (operation, state)
    statuses: Counter[tuple[str, str, int]] = field(default_factory=Counter)  # (op, state, st)
    after: Counter[str] = field(default_factory=Counter)  # states the payments ended in
    server_errors: int = 0
    violations: int = 0

    def states_reached(self, operation: str, status: int | None = None) -> set[str]:
        return {
            s for (op, s, st), n in self.statuses.items() if op == operation and n
            and (status is None or st == status)
        }  # fmt: skip

    def summary(self) -> str:
        lines = [f"stateful fuzz: {self.cases} cases, {self.server_errors} 5xx, "
                 f"{self.violations} schema violations"]  # fmt: skip
        for op in sorted({op for op, _ in self.targeted}):
            per_state = []
            for state in (*STATES, "generated"):
                answers = sorted(
                    (st, n) for (o, s, st), n in self.statuses.items() if o == op and s == state
                )
                if answers:
                    per_state.append(f"{state} " + "/".join(f"{st}x{n}" for st, n in answers))
            lines.append(f"  {op}: " + "; ".join(per_state))
        ended = ", ".join(f"{state} {n}" for state, n in sorted(self.after.items()))
        lines.append(f"  payments after the calls: {ended}")
        return "\n".join(lines)


class PaymentFactory:
    """Makes a payment in each state by plain calls on the simulator's backend (the same moves
    the API makes, without the HTTP and spec checks that only the fuzzed call needs)."""

    def __init__(self, backend: Any, msn: str) -> None:
        self.backend = backend
        self.msn = msn
        self._made = itertools.count()

    def make(self, state: str, choice: int) -> str:
        if state == "CREATED":
            return self._created(choice)
        if state == "final":
            return self._final(FINAL_KINDS[choice % len(FINAL_KINDS)])
        reference = self._authorized()
        if state in ("captured", "refunded"):
            self._move("capture", reference, 2000 if state == "captured" else AUTHORIZED_VALUE)
        if state == "refunded":
            self._move("refund", reference, 1000)
        return reference

    def state_of(self, reference: str) -> str:
        return str(self.backend.payment(self.msn, reference).state)

    def _created(self, choice: int) -> str:
        flow = ("WEB_REDIRECT", "QR", "NATIVE_REDIRECT", "PUSH_MESSAGE")[choice % 4]
        reference = f"fuzz-state-{next(self._made):08d}"
        body: dict[str, Any] = {
            "amount": {"currency": "NOK", "value": AUTHORIZED_VALUE},
            "paymentMethod": {"type": "WALLET"},
            "reference": reference,
            "userFlow": flow,
            "returnUrl": "https://example.com/return",
            "customer": {"phoneNumber": "4712345678"},
        }
        self.backend.create_payment(self.msn, body, f"key-{reference}")
        return reference

    def _authorized(self) -> str:
        reference = self._created(0)
        self.backend.force_approve(self.msn, reference)
        return reference

    def _move(self, verb: str, reference: str, value: int) -> None:
        body = {"modificationAmount": {"currency": "NOK", "value": value}}
        operation = getattr(self.backend, f"{verb}_payment")
        operation(self.msn, reference, body, f"{verb}-{reference}-{value}")

    def _final(self, kind: str) -> str:
        if kind == "fully refunded":
            reference = self._authorized()
            self._move("capture", reference, AUTHORIZED_VALUE)
            self._move("refund", reference, AUTHORIZED_VALUE)
            return reference
        reference = self._created(0)
        if kind == "TERMINATED":
            self.backend.cancel_payment(self.msn, reference)
        else:
            getattr(self.backend, "reject" if kind == "ABORTED" else "expire")(self.msn, reference)
        return reference


def target_state(case: Any) -> str | None:
    """The state a case's payment gets, or None (1 in 6: the generated reference stays, so
    unknown and malformed references keep meeting their 404 and 400)."""
    reference = (case.path_parameters or {}).get("Reference")
    if not isinstance(reference, str):
        return None
    headers = sorted((case.headers or {}).items())
    pick = digest(case.operation.label, reference, case.body, headers) % (len(STATES) + 1)
    return STATES[pick] if pick < len(STATES) else None


def towards_valid_money(case: Any, state: str | None) -> None:
    """3 of 4 capture/refund bodies (hash-chosen) ask for an amount the payment can move, so
    captures and refunds succeed on payments that allow them, not only fail on the schema."""
    body = case.body
    if case.operation.path not in MONEY_PATHS or state is None or not isinstance(body, dict):
        return
    pick = digest(repr(body), state)
    if pick % 4 == 0:
        return
    body["modificationAmount"] = {"currency": "NOK", "value": 1 + pick % 1000}
