"""The run across sales units: a unit x scenario matrix and a checklist per unit (CSV and HTML)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from html import escape
from pathlib import Path

from lib.checklist import completeness_line, rehearsal_warning
from lib.qa.verdict import UnitVerdict
from lib.recorder.exports import neutralise_formula

MARKS = {"passed": "✓ passed", "failed": "✗ failed", "manual": "✋ manual", "skipped": "· skipped"}


def scenario_names(verdicts: Sequence[UnitVerdict]) -> list[str]:
    names = (s.scenario for v in verdicts for s in v.result.steps)
    return list(dict.fromkeys(names))


def matrix_rows(verdicts: Sequence[UnitVerdict]) -> list[dict[str, str]]:
    """One row per unit: its scenarios' outcomes, its checklist, and what it failed to show."""
    names = scenario_names(verdicts)
    rows = []
    for v in verdicts:
        ran = {s.scenario for s in v.result.steps}
        row = {"msn": v.unit.msn, "name": v.unit.name, "currency": v.unit.currency}
        row |= {n: str(v.result.scenario_outcome(n)) if n in ran else "" for n in names}
        row["checklist"] = completeness_line(v.checklist)
        row["not proven"] = " ".join(r.item.id for r in v.unproven)
        rows.append(row)
    return rows


def matrix_csv(verdicts: Sequence[UnitVerdict]) -> str:
    rows = matrix_rows(verdicts)
    buffer = io.StringIO()
    fields = list(rows[0]) if rows else ["msn"]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    # A unit's name comes from a file: no cell may start a spreadsheet formula (OWASP).
    writer.writerows({k: neutralise_formula(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def matrix_html(verdicts: Sequence[UnitVerdict], *, label: str, target: str) -> str:
    """A self-contained page: the matrix, then each unit's checklist item by item."""
    names = scenario_names(verdicts)
    head = "".join(f"<th>{escape(n)}</th>" for n in ["sales unit", *names, "checklist"])
    body = "".join(_matrix_row(row, names) for row in matrix_rows(verdicts))
    parts = [
        f"<h1>QA across sales units: {escape(label)}</h1>",
        f"<p>Target <b>{escape(target)}</b>; {len(verdicts)} sales units.</p>",
        f"<table><tr>{head}</tr>{body}</table>",
        *(_unit_checklist(v) for v in verdicts),
    ]
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
        ".passed{background:#e6f4ea}.failed{background:#fce8e6}.manual{background:#fef7e0}"
        ".warn{background:#fef7e0;padding:.6em;border-left:4px solid #f9ab00}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(label)}</title>"
        f"<style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )


def _matrix_row(row: dict[str, str], names: list[str]) -> str:
    unit = f"{row['msn']} {row['name']} ({row['currency']})"
    cells = "".join(f"<td class='{escape(row[n])}'>{MARKS.get(row[n], '')}</td>" for n in names)
    return f"<tr><th>{escape(unit)}</th>{cells}<td>{escape(row['checklist'])}</td></tr>"


def _unit_checklist(v: UnitVerdict) -> str:
    warning = rehearsal_warning(v.checklist)
    rows = "".join(
        f"<tr><td>{r.item.id}</td><td>{escape(r.item.title)}</td><td>{r.status}</td>"
        f"<td>{escape(r.hint or '')}</td></tr>"
        for r in v.checklist.items
    )
    unproven = " ".join(r.item.id for r in v.unproven)
    return (
        f"<h2 id='unit-{escape(v.unit.msn)}'>Checklist of {escape(v.unit.label)}</h2>"
        + (f"<p class='warn'>{escape(warning)}</p>" if warning else "")
        + f"<p>{escape(completeness_line(v.checklist))}</p>"
        + (f"<p><b>Set out to prove, not shown:</b> {unproven}</p>" if unproven else "")
        + f"<table><tr><th>id</th><th>item</th><th>status</th><th>next</th></tr>{rows}</table>"
    )


def add_to_pack(pack: Path, verdicts: Sequence[UnitVerdict], *, label: str, target: str) -> None:
    """Adds units.html, units.csv and checklist-<msn>.json to the evidence pack's zip."""
    with zipfile.ZipFile(pack, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("units.html", matrix_html(verdicts, label=label, target=target))
        zf.writestr("units.csv", matrix_csv(verdicts))
        for v in verdicts:
            rows = json.dumps(v.checklist.rows(), indent=1, ensure_ascii=False)
            zf.writestr(f"checklist-{v.unit.msn}.json", rows)
