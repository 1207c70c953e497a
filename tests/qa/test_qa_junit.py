"""`--junit PATH`: a test case per scenario step; a failure has its Problem JSON and traceId."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from lib.qa import cli

# One scenario passes; the other expects a capture above the authorized amount to succeed: the
# simulator refuses it (400, ErrorCode 6090) and the step after it is skipped.
SCENARIOS = """\
[[scenarios]]
name = "fine"
steps = [{ do = "create" }, { do = "approve" }, { do = "get", state = "AUTHORIZED" }]

[[scenarios]]
name = "wrong_expectation"
steps = [
  { do = "create" },
  { do = "approve" },
  { do = "capture", amount = "all+1", expect = { status = 200 } },
  { do = "get", state = "AUTHORIZED" },
]
"""


def test_junit_has_a_case_per_step_and_the_failures_problem(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text(SCENARIOS)
    junit = tmp_path / "ci" / "qa.xml"
    printed = io.StringIO()
    argv = ["--out", str(tmp_path), "--scenarios", str(tmp_path / "s.toml"), "--no-pack"]
    code = cli.main(
        [*argv, "--msn", "123456", "--msn", "123458", "--junit", str(junit)], out=printed
    )
    assert code == cli.EXIT_FAILED, printed.getvalue()

    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("14", "2", "2")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["123456 fine", "123456 wrong_expectation", "123458 fine",
                            "123458 wrong_expectation"]  # fmt: skip
    cases = suites["123458 wrong_expectation"].findall("testcase")
    assert [c.get("name") for c in cases] == [
        "create",
        "user-approve",
        "capture-all+1",
        "get-authorized",
    ]
    assert {c.get("classname") for c in cases} == {"qa.123458.wrong_expectation"}
    assert cases[3].find("skipped") is not None

    failure = cases[2].find("failure")
    assert failure is not None and failure.get("message") == "status 400, expected 200"
    text = failure.text or ""
    problem = json.loads(text[text.index("Problem JSON:\n") + len("Problem JSON:\n") :])
    assert problem["extraDetails"] == [{"name": "ErrorCode", "reason": "6090"}]
    assert problem["status"] == 400 and problem["instance"].endswith("/capture")
    assert problem["traceId"] and f"traceId: {problem['traceId']}" in text
    assert failure.get("type") == f"traceId {problem['traceId']}"
    assert "POST http://127.0.0.1:" in text and "/capture -> HTTP 400" in text
    assert all(c.find("failure") is None for c in suites["123456 fine"].findall("testcase"))
