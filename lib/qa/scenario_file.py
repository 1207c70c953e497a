"""Scenario files (TOML or YAML; the built-in battery is one): read, check, build Scenarios."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lib.qa.file_lines import FieldPath, Lines, SyntaxProblem, read
from lib.qa.scenario import Scenario, Step
from lib.qa.step_fields import NAME, FieldProblem, build_step

SCENARIO_FIELDS = ("name", "title", "code", "proves", "steps")
CODE = re.compile(r"^[A-Za-z0-9-]{1,20}$")
ITEM = re.compile(r"^[A-Z][0-9]{1,2}$")


class ScenarioFileError(ValueError):
    """A scenario file that cannot be used; `problems` has one sentence per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source, self.problems = source, problems
        count = f"{len(problems)} problem{'s' * (len(problems) != 1)}"
        super().__init__(f"{source}: {count} in the scenario file:\n  " + "\n  ".join(problems))


def file_format(path: Path) -> str:
    return "yaml" if path.suffix.lower() in (".yaml", ".yml") else "toml"


def load_scenarios(path: Path) -> tuple[Scenario, ...]:
    """The scenarios of a .toml, .yaml or .yml file; ScenarioFileError if any is wrong.

    The shape, in TOML (YAML: the same keys)::

        [[scenarios]]
        name = "partial_capture"           # letters, digits, '-', '_'; unique in the file
        title = "Partial capture, then cancel"
        code = "partial"                   # optional tag in each payment's reference
        proves = ["E4"]                    # optional: checklist items it shows (checked)
        steps = [
          { do = "create" },               # flow = "QR"..., receipt = true
          { do = "approve" },              # or reject, expire: the user's part
          { do = "capture", amount = 250, expect = { status = 200 } },
          { do = "cancel", expect = { status = 200 } },
        ]

    Each `do` and its fields are in lib.qa.step_fields.STEP_KINDS. Every problem is reported at
    once, each with its line, scenario, step and field.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioFileError(str(path), [f"cannot read it: {error.strerror}"]) from error
    return parse_scenarios(text, fmt=file_format(path), source=path.name)


def parse_scenarios(
    text: str, *, fmt: str = "toml", source: str = "scenarios"
) -> tuple[Scenario, ...]:
    try:
        data, lines = read(text, fmt)
    except SyntaxProblem as error:
        raise ScenarioFileError(source, [str(error)]) from error
    builder = _Builder(source, lines)
    scenarios = builder.all(data)
    if builder.problems:
        raise ScenarioFileError(source, builder.problems)
    return scenarios


class _Builder:
    def __init__(self, source: str, lines: Lines) -> None:
        self.source, self.lines = source, lines
        self.problems: list[str] = []

    def problem(self, path: FieldPath, where: str, message: str) -> None:
        line = self.lines.of(path)
        at = f"{self.source}:{line}" if line else self.source
        self.problems.append(f"{at}: {where}{': ' if where else ''}{message}")

    def all(self, data: Any) -> tuple[Scenario, ...]:
        if not isinstance(data, Mapping) or not isinstance(data.get("scenarios"), list):
            self.problem((), "", "needs a list named scenarios ([[scenarios]] in TOML)")
            return ()
        for key in data:
            if key != "scenarios":
                self.problem((str(key),), "", f"unknown top-level field {key!r} (known: scenarios)")
        built = [self.scenario(i, s) for i, s in enumerate(data["scenarios"])]
        names = [s.get("name") if isinstance(s, Mapping) else None for s in data["scenarios"]]
        for i, name in enumerate(names):
            if isinstance(name, str) and name in names[:i]:
                self.problem(("scenarios", i, "name"), f"scenario {name!r}", "used twice")
        if not data["scenarios"]:
            self.problem(("scenarios",), "", "has no scenario")
        return tuple(s for s in built if s is not None)

    def scenario(self, index: int, table: Any) -> Scenario | None:
        path: FieldPath = ("scenarios", index)
        name = table.get("name") if isinstance(table, Mapping) else None
        where = f"scenario {name!r}" if isinstance(name, str) else f"scenario {index + 1}"
        if not isinstance(table, Mapping):
            self.problem(path, where, "must be a table of " + ", ".join(SCENARIO_FIELDS))
            return None
        before = len(self.problems)
        self._check_header(path, where, table)
        steps = self._steps(path, where, table.get("steps"))
        if len(self.problems) > before:
            return None
        try:
            return Scenario(
                str(name), str(table.get("title") or name), steps,
                tuple(table.get("proves", ())), str(table.get("code", "")),
            )  # fmt: skip
        except ValueError as error:  # step names used twice
            self.problem((*path, "steps"), where, str(error).split(": ", 1)[-1])
            return None

    def _check_header(self, path: FieldPath, where: str, table: Mapping[str, Any]) -> None:
        for key in table:
            if key not in SCENARIO_FIELDS:
                known = ", ".join(SCENARIO_FIELDS)
                self.problem((*path, str(key)), where, f"unknown field {key!r} (known: {known})")
        name = table.get("name")
        if not (isinstance(name, str) and NAME.match(name)):
            self.problem(
                (*path, "name"), where, f"name must be letters, digits, '-' or '_', got {name!r}"
            )
        if "title" in table and not isinstance(table["title"], str):
            self.problem((*path, "title"), where, "title must be text")
        if "code" in table and not (isinstance(table["code"], str) and CODE.match(table["code"])):
            self.problem((*path, "code"), where, "code must be 1-20 letters, digits or '-'")
        proves = table.get("proves", [])
        if not (
            isinstance(proves, list) and all(isinstance(p, str) and ITEM.match(p) for p in proves)
        ):
            self.problem((*path, "proves"), where, 'proves must be a list of item ids like "E1"')

    def _steps(self, path: FieldPath, where: str, steps: Any) -> tuple[Step, ...]:
        if not isinstance(steps, list) or not steps:
            self.problem((*path, "steps"), where, "steps must be a non-empty list of steps")
            return ()
        built = []
        for j, table in enumerate(steps):
            step_path = (*path, "steps", j)
            if not isinstance(table, Mapping):
                self.problem(step_path, f"{where}, step {j + 1}", "must be a table with do = ...")
                continue
            label = f"{where}, step {j + 1} ({table.get('do', '?')})"
            try:
                built.append(build_step(table))
            except FieldProblem as problem:
                field = f"field {'.'.join(problem.field)}: " if problem.field else ""
                self.problem((*step_path, *problem.field), label, f"{field}{problem}")
            except ValueError as error:  # an Expect the builder refused
                self.problem(step_path, label, str(error))
        return tuple(built)
