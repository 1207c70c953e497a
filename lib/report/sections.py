"""The report's HTML sections: checklist table, QA results, timelines per reference, examples."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape
from typing import Any

from lib.checklist import ChecklistResult, age_text, completeness_line, proven_text
from lib.checklist.age import too_old
from lib.checklist.log import Entry
from lib.exchange import Exchange
from lib.report.printed import Timeline

MAX_BODY_CHARS = 4000


def e(value: Any) -> str:
    return escape("" if value is None else str(value))


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def badge(status: str) -> str:
    return f'<span class="badge {e(status)}">{e(status)}</span>'


def exchange_links(ids: Iterable[int], shown: set[int], limit: int = 12) -> str:
    """Links to exchanges printed in the examples section; plain ids for the others."""
    ids = list(ids)
    parts = [f'<a href="#ex-{i}">#{i}</a>' if i in shown else f"#{i}" for i in ids[:limit]]
    more = f" … +{len(ids) - limit}" if len(ids) > limit else ""
    return " ".join(parts) + more


def _first(values: Sequence[str], limit: int) -> str:
    more = f" … +{len(values) - limit}" if len(values) > limit else ""
    return ", ".join(values[:limit]) + more


def checklist_section(result: ChecklistResult, shown: set[int]) -> str:
    """The item table, the target and the proof's date and age next to the status."""
    rows = []
    for r in result.items:
        note = " ".join(
            p
            for p in (e(r.comment), f'<span class="hint">{e(r.hint)}</span>' if r.hint else "")
            if p
        )
        proven = e(proven_text(r))
        rows.append(
            (
                f'<span id="item-{e(r.item.id)}">{e(r.item.id)}</span>',
                e(r.item.title),
                badge(r.status),
                e(", ".join(r.targets)),
                f'<span class="old">{proven}</span>' if too_old(r.age) else proven,
                e(_first(r.references, 4)),
                exchange_links(r.exchange_ids, shown),
                note,
            )
        )
    summary = (
        f"<p class='summary'>Completeness: <b>{result.completeness:.0%}</b> met for Vipps "
        f"({e(completeness_line(result))}). Met needs the item's own environment (test, or "
        f"production for G2) within {result.max_age_days} days; older is stale; the simulator "
        "or a custom URL only rehearse.</p>"
    )
    headers = ("ID", "Item", "Status", "Target", "Proven", "Reference IDs", "Exchanges", "Comments")
    return "<h2>Checklist</h2>" + summary + table(headers, rows, "checklist")


def qa_section(steps: Sequence[Any], shown: set[int]) -> str:
    """QA step results (StepResult-like: scenario, step, outcome, message, exchanges)."""
    if not steps:
        return ""
    rows = [
        (
            e(s.scenario),
            e(s.step),
            badge(str(s.outcome)),
            e(s.message),
            exchange_links([x.id for x in s.exchanges if x.id is not None], shown, 6),
        )
        for s in steps
    ]
    headers = ("Scenario", "Step", "Outcome", "Observed", "Exchanges")
    return "<h2>QA scenarios</h2>" + table(headers, rows, "qa")


def _what(entry: Entry) -> str:
    """What an exchange showed: state, ErrorCode, events."""
    parts = []
    if entry.state:
        parts.append(f"state {entry.state}")
    if entry.error_code:
        parts.append(f"ErrorCode {entry.error_code}")
    if entry.event_names:
        names = [str(ev.name or ev.raw.get("name")) for ev in entry.events]
        parts.append("events " + " → ".join(names))
    return ", ".join(parts)


def timelines_section(
    timelines: Sequence[Timeline], more: int, shown: set[int], qa_steps: Sequence[Any] = ()
) -> str:
    """Each printed reference's exchanges in time order, with the user's part from QA steps
    (not logged), and a line for the references and exchanges left to the log files."""
    rows: dict[str, list[tuple[datetime, str]]] = {
        t.reference: [(x.ex.started_at, _item(x, shown)) for x in t.entries] for t in timelines
    }
    for step in qa_steps:
        if getattr(step, "user", None) and step.reference in rows and step.started_at:
            rows[step.reference].append((step.started_at, _user_item(step)))
    for items in rows.values():
        items.sort(key=lambda row: row[0])
    cut = {t.reference: _more_exchanges(t.more) for t in timelines if t.more > 0}
    # Shown oldest first: the order in which the flows were run.
    blocks = [
        f'<div class="timeline"><h3>{e(ref)}</h3>'
        f"<ol>{''.join(h for _, h in rows[ref])}{cut.get(ref, '')}</ol></div>"
        for ref in sorted(rows, key=lambda r: rows[r][0][0])
    ]
    return "<h2>Flow of each reference</h2>" + "".join(blocks) + _more_references(more)


def _more_references(more: int) -> str:
    if more <= 0:
        return ""
    what = "1 more reference is" if more == 1 else f"{more} more references are"
    return (
        f"<p class='more'>{what} in the log files of the evidence pack (exchanges.csv, .xlsx, "
        ".json, .har): the report shows the references the checklist cites, then the newest.</p>"
    )


def _more_exchanges(more: int) -> str:
    what = "1 more exchange" if more == 1 else f"{more} more exchanges"
    return f'<li class="hint">… {what} of this reference in the log files</li>'


def _clock(moment: datetime) -> str:
    return f"<time>{e(moment.strftime('%Y-%m-%d %H:%M:%S.%f')[:-3])}</time>"


def _item(x: Entry, shown: set[int]) -> str:
    ex = x.ex
    link = exchange_links([ex.id], shown) if ex.id is not None else ""
    outcome = ex.status if ex.status is not None else f"no response ({ex.error})"
    step = f' <span class="step">{e(ex.step)}</span>' if ex.step else ""
    return (
        f"<li>{_clock(ex.started_at)} <b>{e(ex.operation)}</b> {e(ex.method)} → {e(outcome)} "
        f"{e(_what(x))}{step} {link}</li>"
    )


def _user_item(step: Any) -> str:
    return (
        f'<li class="user">{_clock(step.started_at)} <i>user {e(step.user)}</i> '
        f"({e(step.outcome)}: {e(step.message)}) "
        f'<span class="step">{e(step.scenario)}:{e(step.step)}</span></li>'
    )


def _body(text: str | None) -> str:
    if not text:
        return "(no body)"
    with contextlib.suppress(ValueError):  # not JSON: show it as sent
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    cut = len(text) > MAX_BODY_CHARS
    return text[:MAX_BODY_CHARS] + ("\n… (cut; the full body is in the log files)" if cut else "")


def _headers(headers: dict[str, str]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in headers.items())


def examples_section(examples: Sequence[Exchange], now: datetime) -> str:
    blocks = []
    for ex in examples:
        status = ex.status if ex.status is not None else f"no response: {ex.error}"
        age = now - ex.started_at
        when = f"{ex.started_at.isoformat()} ({age_text(age)} old)"
        dated = f'<span class="old">{e(when)}</span>' if too_old(age) else e(when)
        blocks.append(
            f'<div class="example" id="ex-{e(ex.id)}"><h3>#{e(ex.id)} {e(ex.operation)}: '
            f"{e(ex.method)} {e(ex.url)} → {e(status)}</h3>"
            f"<p>{dated} · target {e(ex.target)} · reference {e(ex.reference or '–')} · "
            f"step {e(ex.step or '–')} · attempt {e(ex.attempt)}</p>"
            f"<h4>Request</h4><pre>{e(_headers(ex.request_headers))}\n\n{e(_body(ex.request_body))}"
            f"</pre><h4>Response</h4><pre>{e(_headers(ex.response_headers))}\n\n"
            f"{e(_body(ex.response_body))}</pre></div>"
        )
    return "<h2>Request and response examples</h2>" + "".join(blocks)
