"""Scenario files (TOML and YAML): the built-in battery's format, user files, errors with lines."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from lib.epayment.models import PaymentState
from lib.qa import SCENARIOS, Outcome, cli, from_simulator
from lib.qa.scenario_file import ScenarioFileError, load_scenarios, parse_scenarios
from lib.qa.scenarios import BUILT_IN_FILE

TOML = """\
[[scenarios]]
name = "partial_then_cancel"
title = "Partial capture, then cancel the rest"
code = "mine"
proves = ["E5"]
steps = [
  { do = "create", flow = "QR" },
  { do = "approve" },
  { do = "capture", amount = 300, expect = { status = 200, aggregate = { captured = 300 } } },
  { do = "cancel", expect = { status = 200, state = "AUTHORIZED", aggregate = {cancelled = 700} } },
  { do = "get", name = "get-at-the-end", state = "AUTHORIZED", aggregate = { captured = 300 } },
  { do = "events", names = ["CAPTURED", "CANCELLED"], once = ["CAPTURED"] },
]

[[scenarios]]
name = "refused"
steps = [
  { do = "create" },
  { do = "capture", amount = "all", expect = { status = 400, error_code = "6080" } },
]
"""

YAML = """\
scenarios:
  - name: partial_then_cancel
    title: Partial capture, then cancel the rest
    code: mine
    proves: [E5]
    steps:
      - {do: create, flow: QR}
      - do: approve
      - do: capture
        amount: 300
        expect: {status: 200, aggregate: {captured: 300}}
      - do: cancel
        expect:
          status: 200
          state: AUTHORIZED
          aggregate: {cancelled: 700}
      - {do: get, name: get-at-the-end, state: AUTHORIZED, aggregate: {captured: 300}}
      - {do: events, names: [CAPTURED, CANCELLED], once: [CAPTURED]}
  - name: refused
    steps:
      - do: create
      - do: capture
        amount: all
        expect: {status: 400, error_code: "6080"}
"""


def shape(scenarios: Any) -> list[Any]:
    """What a scenario is, short of its step functions: names, claims, steps and expectations."""
    return [
        (s.name, s.title, s.proves, s.code, [(t.name, t.expect, t.user) for t in s.steps])
        for s in scenarios
    ]


def problems_of(text: str, fmt: str = "toml") -> list[str]:
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenarios(text, fmt=fmt, source=f"mine.{fmt}")
    return caught.value.problems


def test_the_built_in_battery_is_a_scenario_file() -> None:
    assert shape(load_scenarios(BUILT_IN_FILE)) == shape(SCENARIOS)
    assert len(SCENARIOS) == 16
    full = SCENARIOS[0]
    assert [s.name for s in full.steps] == [
        "create", "get-created", "user-approve", "get-authorized", "capture-all", "refund-all",
        "events",
    ]  # fmt: skip
    assert full.steps[4].expect.aggregate == {"captured": 1000}
    assert full.steps[4].expect.state is PaymentState.AUTHORIZED


def test_toml_and_yaml_of_the_same_shape_give_the_same_scenarios(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text(TOML)
    (tmp_path / "s.yml").write_text(YAML)
    from_toml, from_yaml = load_scenarios(tmp_path / "s.toml"), load_scenarios(tmp_path / "s.yml")
    assert shape(from_toml) == shape(from_yaml)
    mine = from_toml[0]
    assert [s.name for s in mine.steps] == [
        "create", "user-approve", "capture-300", "cancel", "get-at-the-end", "events",
    ]  # fmt: skip
    assert mine.steps[1].user == "approve"
    assert mine.steps[5].expect.once == ("CAPTURED",)
    assert from_toml[1].title == "refused"  # the name when no title is given
    assert from_toml[1].steps[1].expect.error_code == "6080"


def test_a_users_scenarios_run_on_the_simulator(sim: Any) -> None:
    run = from_simulator(sim)
    result = run.run(parse_scenarios(YAML, fmt="yaml"))
    assert [(s.step, s.outcome) for s in result.steps if s.outcome is not Outcome.PASSED] == []
    assert result.steps[4].message.startswith("status 200, state AUTHORIZED")
    assert {e.reference.split("-")[2] for e in run.exchanges if e.reference} == {"mine", "refused"}


def test_a_wrong_expectation_in_a_file_fails_its_step(sim: Any) -> None:
    wrong = TOML.replace("captured = 300 } } }", "captured = 301 } } }")
    result = from_simulator(sim).run(parse_scenarios(wrong)[:1])
    failed = [(s.step, s.message) for s in result.failed]
    assert failed == [("capture-300", "captured NOK 3.00, expected NOK 3.01")]


def test_toml_problems_name_line_scenario_step_and_field() -> None:
    text = TOML.replace("amount = 300", "amount = -3").replace('"approve"', '"aprove"')
    assert problems_of(text) == [
        "mine.toml:8: scenario 'partial_then_cancel', step 2 (aprove): field do: must be one of "
        "create, create_again, get, get_unknown, events, approve, reject, expire, capture, "
        "refund, cancel, wrong_keys, got 'aprove'",
        "mine.toml:9: scenario 'partial_then_cancel', step 3 (capture): field amount: must be "
        'minor units, "all" or "all+1", got -3',
    ]


def test_problems_inside_expect_and_unknown_fields() -> None:
    paid = 'state = "PAID", aggregate = {cancelled'
    text = TOML.replace('state = "AUTHORIZED", aggregate = {cancelled', paid)
    text = text.replace('code = "mine"', 'colour = "red"')
    found = problems_of(text)
    assert found[0] == (
        "mine.toml:4: scenario 'partial_then_cancel': unknown field 'colour' "
        "(known: name, title, code, proves, steps)"
    )
    assert found[1].startswith(
        "mine.toml:10: scenario 'partial_then_cancel', step 4 (cancel): field expect.state: "
        "must be one of CREATED, AUTHORIZED,"
    )
    assert found[1].endswith("got 'PAID'")


def test_yaml_problems_name_the_exact_line() -> None:
    text = YAML.replace("state: AUTHORIZED\n", "state: AUTHORISED\n").replace(
        "{captured: 300}}\n      - do: cancel", "{capturd: 300}}\n      - do: cancel"
    )
    found = problems_of(text, "yaml")
    assert found[0].startswith(
        "mine.yaml:11: scenario 'partial_then_cancel', step 3 (capture): field "
        "expect.aggregate.capturd: 'capturd' is not an aggregate field (authorized,"
    )
    assert found[1].startswith("mine.yaml:15: scenario 'partial_then_cancel', step 4 (cancel): "
                               "field expect.state: must be one of")  # fmt: skip
    assert len(found) == 2


def test_steps_written_as_tables_of_their_own_are_located_too() -> None:
    text = """\
[[scenarios]]
name = "one"

[[scenarios.steps]]
do = "create"

[[scenarios.steps]]
do = "capture"
expect = { status = 200 }

[[scenarios]]
name = "one"
[[scenarios.steps]]
do = "get_unknown"
"""
    assert problems_of(text) == [
        "mine.toml:7: scenario 'one', step 2 (capture): 'capture' needs amount",
        "mine.toml:12: scenario 'one': used twice",
    ]


def test_whole_file_problems() -> None:
    assert problems_of("[[scenarios]]\nname = x\n") == [
        "not valid TOML: Invalid value (at line 2, column 8)"
    ]
    assert problems_of("scenario = []\n") == [
        "mine.toml: needs a list named scenarios ([[scenarios]] in TOML)"
    ]
    yaml_error = problems_of("scenarios:\n  - name: [x\n", "yaml")[0]
    assert yaml_error.startswith("not valid YAML:") and "line 3" in yaml_error
    steps_twice = '[[scenarios]]\nname = "a"\nsteps = [{ do = "create" }, { do = "create" }]\n'
    assert problems_of(steps_twice) == [
        "mine.toml:3: scenario 'a': step names must be unique: ['create', 'create']"
    ]


def test_a_missing_file_is_a_scenario_file_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioFileError, match="cannot read it"):
        load_scenarios(tmp_path / "nope.toml")


def test_the_cli_runs_a_yaml_file_and_refuses_a_bad_one_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "s.yaml").write_text(YAML)
    argv = ["--out", str(tmp_path), "--scenarios", str(tmp_path / "s.yaml"), "--no-pack"]
    assert cli.main([*argv, "--scenario", "refused"], out=io.StringIO()) == 0
    (tmp_path / "bad.yaml").write_text(YAML.replace("amount: 300", "amount: lots"))
    argv[3] = str(tmp_path / "bad.yaml")
    assert cli.main(argv, out=io.StringIO()) == cli.EXIT_SETUP
    error = capsys.readouterr().err
    assert "bad.yaml: 1 problem in the scenario file:" in error
    assert "bad.yaml:10: scenario 'partial_then_cancel', step 3 (capture): field amount:" in error
