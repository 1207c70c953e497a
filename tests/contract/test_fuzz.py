"""Property-based, stateful fuzz of the simulator from the ePayment and access-token specs.

Schemathesis generates the cases; a hook gives each case with a path reference a fresh payment
in a state chosen by the case's hash (CREATED, AUTHORIZED, captured, refunded, final) and a fresh
Idempotency-Key, so capture, refund, cancel, GET and force approve meet the state machine, not
only 404 (tests/contract/fuzz_states.py). Seeded (derandomized), bounded by MAX_EXAMPLES; the
figures (cases, states reached, 5xx, schema violations) are printed at the end of the module.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.contract.conftest import RawApi
from tests.contract.fuzz_states import (
    STATES,
    FuzzStats,
    PaymentFactory,
    digest,
    target_state,
    towards_valid_money,
)
from tests.spec_observer import format_violations, from_requests
from tests.spec_validator import SpecsMissing, SpecValidator, is_gateway_response, load_or_skip

pytestmark = [pytest.mark.spec, pytest.mark.slow]

# Per operation and generation mode; 6 operations. Raise locally with EPAYMENT_LAB_FUZZ_EXAMPLES.
MAX_EXAMPLES = int(os.environ.get("EPAYMENT_LAB_FUZZ_EXAMPLES", "40"))
CREDENTIALS = ("Authorization", "Ocp-Apim-Subscription-Key", "Merchant-Serial-Number")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_sim() -> Iterator[Any]:
    from simulator import SimulatorConfig, SimulatorServer

    with SimulatorServer(SimulatorConfig(port=0, rate_limits=False, seed=7)) as sim:
        yield sim


@pytest.fixture(scope="module")
def fuzz_api(fuzz_sim: Any, fuzz_validator: SpecValidator) -> RawApi:
    return RawApi(fuzz_sim.base_url, fuzz_sim.sales_units[0], fuzz_validator)


@pytest.fixture(scope="module")
def factory(fuzz_sim: Any) -> PaymentFactory:
    return PaymentFactory(fuzz_sim.backend, fuzz_sim.sales_units[0].merchant_serial_number)


@pytest.fixture(scope="module")
def fuzz_stats(request: pytest.FixtureRequest) -> Iterator[FuzzStats]:
    stats = FuzzStats()
    yield stats
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and stats.cases:
        with capture.global_and_fixture_disabled():  # teardown output is captured otherwise
            reporter.write_line("\n" + stats.summary())


def _load_schema(which: str) -> Any:
    """The validator's adapted copy of a spec (see tests/spec_adapt.py): the contract
    the observer applies. `which`: "epayment" or "token" (the latter without `/miami/v1/token`,
    which is not part of ePayment and not simulated).

    Loaded at import, not through `schemathesis.pytest.from_fixture`: 4.32.5's lazy loader sets
    `node._nodeid`, which pytest 9 no longer has (AttributeError). Without specs: None, no fuzz
    test is defined, and `test_fuzz_needs_specs` skips (or fails when specs are required).
    """
    try:
        spec = copy.deepcopy(getattr(SpecValidator.load(), f"{which}_spec"))
    except SpecsMissing:
        return None
    spec["paths"].pop("/miami/v1/token", None)
    loaded = schemathesis.openapi.from_dict(spec)
    loaded.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES
    )
    return loaded


schema = _load_schema("epayment")
token_schema = _load_schema("token")


@pytest.fixture(scope="module")
def fuzz_validator() -> SpecValidator:
    return load_or_skip()


def test_fuzz_needs_specs(fuzz_validator: SpecValidator) -> None:
    assert "/v1/payments" in fuzz_validator.epayment_spec["paths"]


def fresh_idempotency_key(case: Any) -> None:
    """A fresh key where the case has a well-formed one (derived from the case, so it replays).

    Generated keys repeat across cases (often the spec's example), so nearly every POST would be an
    idempotency conflict (409) and never reach the operation. Malformed keys (negative mode) stay.
    """
    key = case.headers.get("Idempotency-Key")
    if isinstance(key, str) and 0 < len(key) <= 50:
        seed = f"{case.operation.label}|{case.body!r}|{case.path_parameters!r}|{key}"
        case.headers["Idempotency-Key"] = hashlib.sha256(seed.encode()).hexdigest()[:40]


def towards_valid_create(case: Any) -> None:
    """Make 3 of 4 positive create bodies (hash-chosen) obey the prose rules the schema can't say.

    Hypothesis fills every optional field, so nearly every schema-valid body breaks a prose rule
    (Express 5020, `qrFormat` without QR, `expiresAt` without receipt, currency, minimum amount)
    and generated references repeat (4150). The other quarter keeps those refusals in the run.
    """
    body = case.body
    positive = case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE
    if case.operation.path != "/v1/payments" or not positive or not isinstance(body, dict):
        return
    digest = hashlib.sha256(repr(body).encode()).hexdigest()
    if int(digest, 16) % 4 == 0:
        return
    body["reference"] = f"fuzz-{digest[:24]}"
    for field in ("shipping", "cardPassthrough", "expiresAt", "profile"):
        body.pop(field, None)
    body["paymentMethod"] = {"type": "WALLET"}
    body["amount"] = {"currency": "NOK", "value": max(100, body["amount"]["value"])}
    flow = body["userFlow"]
    if flow != "QR":
        body.pop("qrFormat", None)
    if flow in ("WEB_REDIRECT", "NATIVE_REDIRECT"):
        body.setdefault("returnUrl", "https://example.com/return")
    if flow == "PUSH_MESSAGE" or "customer" in body:
        body["customer"] = {"phoneNumber": "4712345678"}


if schema is not None:  # else test_fuzz_needs_specs says why

    @schema.parametrize()
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,  # the same cases every run: CI failures reproduce locally
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def test_fuzz_epayment(
        case: Any,
        fuzz_api: RawApi,
        fuzz_sim: Any,
        factory: PaymentFactory,
        fuzz_stats: FuzzStats,
        fuzz_validator: Any,
    ) -> None:
        state = target_state(case)
        if state is not None:
            choice = digest(case.operation.label, case.body)
            case.path_parameters["Reference"] = factory.make(state, choice)
        towards_valid_money(case, state)
        # Real credentials in 7 of 8 cases (by hash), so the fuzz reaches bodies, references and
        # the other headers; the rest keep generated ones and meet the 400/401/403 refusals.
        auth = fuzz_api.headers(None)
        headers = dict(case.headers or {})
        seed = repr((sorted(headers.items()), case.body, case.path_parameters))
        if int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 8:
            headers.update({k: auth[k] for k in CREDENTIALS})
        case.headers = headers
        fresh_idempotency_key(case)
        towards_valid_create(case)
        response = case.call(base_url=f"{fuzz_sim.base_url}/epayment")
        exchange = from_requests(response)
        violations = fuzz_validator.validate(exchange)
        count(fuzz_stats, case, state, response.status_code, len(violations))
        if state is not None:
            fuzz_stats.after[factory.state_of(case.path_parameters["Reference"])] += 1
        # Our validator is the authority (same adapted spec, plus the gateway-401 rule);
        # schemathesis' conformance checks are a second opinion, except on the gateway's 401.
        case.validate_response(
            response, checks=[not_a_server_error] if is_gateway_response(exchange) else CHECKS
        )
        assert not violations, format_violations(violations)


def count(stats: FuzzStats, case: Any, state: str | None, status: int, violations: int) -> None:
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    stats.cases += 1
    stats.targeted[(operation, state or "generated")] += 1
    stats.statuses[(operation, state or "generated", status)] += 1
    stats.server_errors += status >= 500
    stats.violations += violations


if token_schema is not None:

    @token_schema.parametrize()
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def test_fuzz_access_token(case: Any, fuzz_sim: Any, fuzz_validator: Any) -> None:
        """Random keys and headers: refused without a 5xx, and a 200 conforms. By a hash of the
        case: a quarter as generated, half with the real subscription key (so client_id and secret
        are what gets checked), a quarter with all the real keys."""
        unit = fuzz_sim.sales_units[0]
        share = int(hashlib.sha256(repr(case.headers).encode()).hexdigest(), 16) % 4
        headers = dict(case.headers or {})
        if share:
            headers["Ocp-Apim-Subscription-Key"] = unit.subscription_key
        if share == 3:
            headers.update(client_id=unit.client_id, client_secret=unit.client_secret)
        case.headers = headers
        response = case.call(base_url=fuzz_sim.base_url)
        case.validate_response(response, checks=[not_a_server_error, content_type_conformance])
        violations = fuzz_validator.validate(from_requests(response))
        assert not violations, format_violations(violations)


REACHED = frozenset(range(200, 300)) | {400, 409}  # past auth and lookup: the state machine


def test_fuzz_reached_every_state(fuzz_stats: FuzzStats) -> None:
    """capture, refund and cancel met payments in every state (and moved money where allowed);
    runs after the fuzz above, on its figures."""
    if not fuzz_stats.cases:
        pytest.skip("the fuzz cases did not run (deselected, or no specs)")
    for verb in ("capture", "refund", "cancel"):
        operation = f"POST /v1/payments/{{Reference}}/{verb}"
        reached = {
            s for (op, s, st), n in fuzz_stats.statuses.items() if op == operation and st in REACHED
        }
        assert reached >= set(STATES), (verb, sorted(reached))
        assert fuzz_stats.states_reached(operation, 200), verb
    assert fuzz_stats.server_errors == 0 and fuzz_stats.violations == 0
