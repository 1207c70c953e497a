"""QA scenarios ("verify a sales unit"): steps with expected outcomes, a runner and a CLI."""

from lib.qa.actor import ManualStepRequired, SimulatorActor, TestEnvironmentActor, UserActor
from lib.qa.context import Context
from lib.qa.runner import BatteryResult, Outcome, Progress, StepResult, Tap, run_battery
from lib.qa.scenario import Expect, Observed, Scenario, Step
from lib.qa.scenario_file import ScenarioFileError, load_scenarios, parse_scenarios
from lib.qa.scenarios import SCENARIO_NAMES, SCENARIOS, scenario_by_name
from lib.qa.session import QaRun, from_simulator, simulator_run, test_environment_run

__all__ = [
    "SCENARIOS",
    "SCENARIO_NAMES",
    "BatteryResult",
    "Context",
    "Expect",
    "ManualStepRequired",
    "Observed",
    "Outcome",
    "Progress",
    "QaRun",
    "Scenario",
    "ScenarioFileError",
    "SimulatorActor",
    "Step",
    "StepResult",
    "Tap",
    "TestEnvironmentActor",
    "UserActor",
    "from_simulator",
    "load_scenarios",
    "parse_scenarios",
    "run_battery",
    "scenario_by_name",
    "simulator_run",
    "test_environment_run",
]
