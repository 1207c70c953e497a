"""Property tests: whatever JSON arrives, the backend answers with a ProblemError or a result."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import exceptions as ex
from tests.simulator.backend_helpers import MSN, authorized, body, make_backend

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "amount",
    "paymentMethod",
    "reference",
    "userFlow",
    "returnUrl",
    "customer",
    "paymentDescription",
    "qrFormat",
    "expiresAt",
    "metadata",
    "profile",
    "receipt",
    "minimumUserAge",
    "customerInteraction",
    "shipping",
]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outcome(call: Any) -> None:
    try:
        call()
    except ex.ProblemError as problem:
        assert 400 <= problem.status < 500, problem


@FUZZ
@given(st.sampled_from(FIELDS), JSON)
def test_create_payment__any_field_value(field: str, value: Any) -> None:
    data = body()
    data[field] = value
    _outcome(lambda: make_backend().create_payment(MSN, data, "fuzz"))


@FUZZ
@given(JSON)
def test_create_payment__any_body(value: Any) -> None:
    _outcome(lambda: make_backend().create_payment(MSN, value, "fuzz"))


@FUZZ
@given(
    JSON, st.sampled_from(["capture_payment", "refund_payment", "cancel_payment", "force_approve"])
)
def test_modifications__any_body(value: Any, operation: str) -> None:
    backend = make_backend()
    reference = authorized(backend)
    args = (MSN, reference, value) + (("k",) if operation != "force_approve" else ())
    _outcome(lambda: getattr(backend, operation)(*args))


@FUZZ
@given(st.text(min_size=0, max_size=40))
def test_expires_at__any_string(value: str) -> None:
    data = body(
        userFlow="QR",
        expiresAt=value,
        receipt={"orderLines": [{}], "bottomLine": {"currency": "NOK"}},
    )
    _outcome(lambda: make_backend().create_payment(MSN, data, "fuzz"))


def test_expires_at__pattern_but_not_a_date() -> None:
    data = body(
        userFlow="QR",
        expiresAt="2030-13-45T10:00:00Z",
        receipt={"orderLines": [{}], "bottomLine": {"currency": "NOK"}},
    )
    _outcome(lambda: make_backend().create_payment(MSN, data, "fuzz"))
