"""The go-live checklist views: the item table, one item in detail, manual comments, the pack."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from lib.checklist import (
    ChecklistResult,
    ItemResult,
    Status,
    completeness_line,
    evaluate_store,
    proven_text,
    warnings,
)
from lib.checklist.age import too_old
from lib.downloads import download_fit, size_of, write_pack
from lib.recorder import ExchangeFilter, Store
from lib.report import (
    COMMENT_PREFIX,
    ReportInfo,
    comments_from_meta,
    evidence_pack_bytes,
    pack_name,
)

LOG_PAGE = "pages/09_request_log.py"
LOG_FOCUS = "log_focus"  # the request log shows this exchange id once (see pages/09_request_log.py)
# Cell tints by word (no emoji: not every browser has the font), as in the HTML report.
TINTS = {
    "met": "#d7f5dd",
    "pass": "#d7f5dd",
    "rehearsed": "#ffe3cc",
    "missing": "#fde0dc",
    "fail": "#fde0dc",
    "stale": "#fff1c2",
    "manual": "#e5e9f5",
    "skipped": "#eeeeee",
}
STATUS_COLORS = {
    Status.MET: "green",
    Status.REHEARSED: "orange",
    Status.MISSING: "red",
    Status.STALE: "orange",
}
# Status and target first, at fixed widths, so both show without scrolling the table sideways.
COLUMNS = {
    "id": st.column_config.TextColumn("id", width=40),
    "item": st.column_config.TextColumn("item", width="medium"),
    "status": st.column_config.TextColumn("status", width=85),
    "target": st.column_config.TextColumn("target", width=90),
    "proven": st.column_config.TextColumn("proven", width=130, help="newest proof and its age"),
    "next step": st.column_config.TextColumn("next step", width="large"),
}


def scope(recorder: Any, all_runs: bool) -> ExchangeFilter | None:
    """The evidence the page judges: the current run, or every run (None)."""
    return None if all_runs else ExchangeFilter(run_ids=(recorder.run_id,))


def evaluate_log(recorder: Any, where: ExchangeFilter | None) -> ChecklistResult:
    """The checklist now, answered by the store's queries (the log is never loaded), with the
    manual comments saved on the current run."""
    comments = comments_from_meta(recorder.run_meta())
    now = datetime.now(UTC)
    return evaluate_store(recorder.store, now=now, where=where, manual_comments=comments)


def table(result: ChecklistResult) -> list[dict[str, str]]:
    """One row per item, in the checklist's order, for st.dataframe."""
    rows = []
    for r in result.items:
        ids = " ".join(f"#{i}" for i in r.exchange_ids[-5:])  # newest few; the detail has all
        rows.append(
            {
                "id": r.item.id,
                "item": r.item.title,
                "status": r.status.value,
                "target": ", ".join(r.targets),
                "proven": proven_text(r),
                "next step": r.hint or "",
                "exchanges": f"{ids} (+{r.proof_count - 5} more)" if r.proof_count > 5 else ids,
                "references": ", ".join(r.references[-3:]),
                "comment": r.comment,
            }
        )
    return rows


def item_table(result: ChecklistResult) -> None:
    rows = table(result)
    height = 35 * (len(rows) + 1) + 3  # every item visible without scrolling the table
    st.dataframe(
        tinted(rows, "status"),
        hide_index=True,
        width="stretch",
        height=height,
        column_config=COLUMNS,
    )


def tinted(rows: pd.DataFrame | Sequence[Mapping[str, Any]], column: str) -> Any:
    """The rows with `column`'s cells tinted by their word, for st.dataframe (pandas styles it)."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    return frame.style.map(lambda v: f"background-color: {TINTS.get(v, 'inherit')}", [column])


def completeness(result: ChecklistResult) -> None:
    """The headline: met for Vipps and rehearsed counted apart, then the other statuses."""
    counts = {s: len(result.having(s)) for s in Status}
    cols = st.columns(5)
    cols[0].metric("Met for Vipps", f"{counts[Status.MET]} of {len(result.automatic)}")
    others = (Status.REHEARSED, Status.STALE, Status.MISSING, Status.MANUAL)
    for col, status in zip(cols[1:], others, strict=True):
        col.metric(status.value.capitalize(), counts[status])
    st.progress(result.completeness, text=completeness_line(result))


def alerts(result: ChecklistResult) -> None:
    """Rehearsal and age warnings, above everything else the page says about the items."""
    for text in warnings(result):
        st.warning(text, icon=":material/warning:")


def next_steps(result: ChecklistResult) -> None:
    open_items = result.open_items
    if not open_items:
        st.success("Every automatic item is proven for Vipps.", icon=":material/task_alt:")
        return
    st.markdown("**What to do next**")
    st.markdown("\n".join(f"- **{r.item.id}** {r.item.title}: {r.hint}" for r in open_items))


def open_in_log(ids: Sequence[int], *, key: str, labels: Mapping[int, str] | None = None) -> None:
    """Pick one of `ids` (newest first) and open it in the request log, which selects it."""
    if not ids:
        st.caption("No exchange proves this yet.")
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    names = labels or {}
    chosen = left.selectbox(
        "Exchange",
        list(ids)[::-1],
        format_func=lambda i: f"#{i} {names.get(i, '')}".rstrip(),
        key=f"{key}_exchange",
    )
    if right.button("Open in the request log", key=f"{key}_open", icon=":material/open_in_new:"):
        st.session_state[LOG_FOCUS] = int(chosen)
        st.switch_page(LOG_PAGE)


def item_detail(r: ItemResult) -> None:
    color = STATUS_COLORS.get(r.status, "blue")
    st.markdown(f"**{r.item.id} · {r.item.title}** &nbsp; :{color}-badge[{r.status.value}]")
    st.caption(f"Proof: {r.item.evidence}")
    if r.hint:
        st.markdown(f"Next step: {r.hint}")
    if r.item.automatic:
        when = f", newest {proven_text(r)}" if r.newest else ""
        targets = ", ".join(r.targets) or "-"
        st.markdown(f"{r.proof_count} proving exchanges{when}; targets: **{targets}**")
        if r.status is Status.REHEARSED:
            st.warning("A rehearsal: exchanges with the simulator or a custom URL are not "
                       "evidence for Vipps.", icon=":material/warning:")  # fmt: skip
        elif too_old(r.age):
            st.warning("Older than 25 days: run it again before you send the checklist.",
                       icon=":material/schedule:")  # fmt: skip
        if r.references:
            st.markdown("References: " + ", ".join(f"`{ref}`" for ref in r.references))
        open_in_log(r.exchange_ids, key="chk")


def manual_comments(result: ChecklistResult, recorder: Any) -> None:
    """A comment per manual item, saved as a note on the current run (the pack reads it)."""
    manual = [r for r in result.items if r.status is Status.MANUAL]
    with st.form("chk_comments", border=False):
        for r in manual:
            st.text_area(
                f"{r.item.id} · {r.item.title}",
                value=r.comment,
                help=r.item.evidence,
                key=f"chk_comment_{r.item.id}",
                height=68,
            )
        if st.form_submit_button("Save comments", key="chk_save", icon=":material/save:"):
            for r in manual:
                text = (st.session_state.get(f"chk_comment_{r.item.id}") or "").strip()
                recorder.set_run_meta(f"{COMMENT_PREFIX}{r.item.id}", text or None)
            st.toast("Comments saved with this run.", icon=":material/save:")
            st.rerun()


def evidence_pack(
    store: Store,
    where: ExchangeFilter | None,
    comments: dict[str, str],
    info: ReportInfo,
    qa_steps: Sequence[Any] = (),
) -> tuple[str, bytes]:
    """The evidence pack zip (file name, bytes): log files streamed from the store."""
    now = datetime.now(UTC)
    data = evidence_pack_bytes(
        store, where=where, info=info, manual_comments=comments, qa_steps=qa_steps, now=now
    )
    return pack_name(now), data


def pack_inputs(
    result: ChecklistResult, all_runs: bool
) -> tuple[ReportInfo, dict[str, str], Sequence[Any]]:
    """The report's facts, the manual comments and the QA steps for the pack of this scope."""
    ss = st.session_state
    recorder, settings = ss.recorder, ss.settings
    label = next((r.label for r in recorder.runs() if r.id == recorder.run_id), None)
    info = ReportInfo(
        merchant_serial_number=settings.merchant_serial_number,
        target=settings.target,
        label="All runs" if all_runs else label,
    )
    # The last QA run's step table goes in when its exchanges are in the pack.
    qa = ss.get("qa_result")
    in_scope = all_runs or ss.get("qa_run") == recorder.run_id
    steps = qa.steps if qa is not None and in_scope else ()
    comments = {r.item.id: r.comment for r in result.items if r.comment}
    return info, comments, steps


def evidence_pack_section(result: ChecklistResult, *, all_runs: bool) -> None:
    """Build the pack only when asked (it writes every export), then offer it for download; a
    pack too big for a browser download is written to a file on this machine instead."""
    ss = st.session_state
    store, where = ss.recorder.store, scope(ss.recorder, all_runs)
    fit = download_fit(store, where, count=result.exchange_count)
    if not fit.in_browser:
        st.info(fit.pack_reason, icon=":material/info:")
    if st.button("Prepare the evidence pack", key="chk_pack", icon=":material/inventory_2:"):
        with st.spinner(f"Writing the report and exports of {result.exchange_count:,} exchanges…"):
            info, comments, steps = pack_inputs(result, all_runs)
            if fit.in_browser:
                ss.chk_pack_file = (all_runs, *evidence_pack(store, where, comments, info, steps))
                ss.chk_pack_path = None
            else:  # the zip goes to a file: no bytes of it kept in the session
                ss.chk_pack_file, ss.chk_pack_path = None, None
                try:
                    path = write_pack(store, where, info=info, manual_comments=comments,
                                      qa_steps=steps)  # fmt: skip
                    ss.chk_pack_path = (all_runs, path)
                except OSError as error:  # a full disk or a folder it may not write in
                    st.error(f"Could not write the pack: {error}", icon=":material/error:")
    prepared_pack(result, all_runs)


def prepared_pack(result: ChecklistResult, all_runs: bool) -> None:
    """The pack prepared for this scope: its download, or the file it was written to."""
    ss = st.session_state
    # Offered only for the scope it was built from (switching the scope asks for a new one).
    if ss.get("chk_pack_file") and ss.chk_pack_file[0] == all_runs:
        _, name, data = ss.chk_pack_file
        st.download_button(
            "Download the evidence pack",
            data,
            name,
            "application/zip",
            key="chk_download",
            icon=":material/download:",
            type="primary",
        )
    if ss.get("chk_pack_path") and ss.chk_pack_path[0] == all_runs:
        path = ss.chk_pack_path[1]
        st.success(f"Written on this machine: `{path}` ({size_of(path)})",
                   icon=":material/task_alt:")  # fmt: skip
        for text in warnings(result):  # the pack says so too; say it where the file is named
            st.warning(text, icon=":material/warning:")
