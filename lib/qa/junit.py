"""JUnit XML of a QA run, for any CI server: a suite per unit and scenario, a case per step."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from lib.exchange import Exchange
from lib.qa.runner import Outcome, StepResult
from lib.qa.units import Unit


def _problem(exchange: Exchange) -> tuple[str, str | None]:
    """The answer's body as sent (a Problem JSON, pretty) and its traceId, if any."""
    body = exchange.response_body or ""
    try:
        data: Any = json.loads(body)
    except ValueError:
        return body, None
    trace = data.get("traceId") if isinstance(data, dict) else None
    return json.dumps(data, indent=2, ensure_ascii=False), str(trace) if trace else None


def failure_text(step: StepResult) -> str:
    """The step's message, then each exchange with its Problem JSON and traceId."""
    lines = [step.message]
    for exchange in step.exchanges:
        said = f"HTTP {exchange.status}" if exchange.status is not None else exchange.error
        lines.append(f"\nexchange #{exchange.id}: {exchange.method} {exchange.url} -> {said}")
        body, trace = _problem(exchange)
        lines.append(f"traceId: {trace or '(none)'}")
        if body:
            lines.append(f"{'Problem JSON' if trace else 'Response body'}:\n{body}")
    return "\n".join(lines)


def _case(suite: ET.Element, classname: str, step: StepResult) -> None:
    seconds = sum(e.latency_ms or 0.0 for e in step.exchanges) / 1000
    case = ET.SubElement(
        suite, "testcase", classname=classname, name=step.step, time=f"{seconds:.3f}"
    )
    if step.outcome is Outcome.FAILED:
        trace = next((t for e in step.exchanges if (t := _problem(e)[1])), None)
        kind = f"traceId {trace}" if trace else "expectation"
        failure = ET.SubElement(case, "failure", message=step.message, type=kind)
        failure.text = failure_text(step)
    elif step.outcome in (Outcome.MANUAL, Outcome.SKIPPED):
        ET.SubElement(case, "skipped", message=f"{step.outcome}: {step.message}")
    refs = ", ".join(dict.fromkeys(e.reference for e in step.exchanges if e.reference))
    if refs or step.reference:
        ET.SubElement(case, "system-out").text = f"reference: {refs or step.reference}"


def junit_xml(
    runs: Sequence[tuple[Unit, Sequence[StepResult]]], *, label: str, when: datetime
) -> bytes:
    """`runs`: each unit with its step results, in the order they ran."""
    root = ET.Element("testsuites", name=label)
    for unit, steps in runs:
        for scenario in dict.fromkeys(s.scenario for s in steps):
            mine = [s for s in steps if s.scenario == scenario]
            suite = ET.SubElement(
                root, "testsuite", name=f"{unit.msn} {scenario}", timestamp=when.isoformat(),
                hostname=unit.msn, tests=str(len(mine)),
                failures=str(sum(s.outcome is Outcome.FAILED for s in mine)),
                skipped=str(sum(s.outcome in (Outcome.MANUAL, Outcome.SKIPPED) for s in mine)),
                errors="0",
            )  # fmt: skip
            for step in mine:
                _case(suite, f"qa.{unit.msn}.{scenario}", step)
    suites = list(root)
    for name in ("tests", "failures", "skipped", "errors"):
        root.set(name, str(sum(int(s.get(name, "0")) for s in suites)))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_junit(path: Path, runs: Sequence[tuple[Unit, Sequence[StepResult]]], *, label: str,
                when: datetime) -> Path:  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(junit_xml(runs, label=label, when=when))
    return path
