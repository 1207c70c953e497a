"""The QA battery: the built-in scenarios, shipped as data in the scenario file format."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lib.qa.scenario import Scenario
from lib.qa.scenario_file import load_scenarios

BUILT_IN_FILE = Path(__file__).with_name("scenarios.toml")

# Loaded by the same loader as a user's file, so the format stays able to say all of it.
SCENARIOS: tuple[Scenario, ...] = load_scenarios(BUILT_IN_FILE)

SCENARIO_NAMES: tuple[str, ...] = tuple(s.name for s in SCENARIOS)


def scenario_by_name(name: str, scenarios: Iterable[Scenario] = SCENARIOS) -> Scenario:
    known = tuple(scenarios)
    for scenario in known:
        if scenario.name == name:
            return scenario
    names = ", ".join(s.name for s in known)
    raise KeyError(f"no scenario {name!r}; known: {names}")
