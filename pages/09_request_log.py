"""The request log: a page of exchanges at a time, filters, one in detail, streamed exports (to
the browser, or to a file on this machine when too big for a browser download)."""

from functools import partial

import streamlit as st

from lib import log_filter as log
from lib.downloads import download_fit, size_of, write_export
from lib.export import export_command
from lib.quickstart import STEP_KEYS
from lib.recorder import EXPORT_FORMATS, STATUS_CLASSES, export_bytes
from lib.recorder.sources import Selection
from lib.ui.deeplink import require_entrypoint
from lib.ui.exchange import show_exchange

require_entrypoint(__file__)
FORMATS = ("csv", "json", "xlsx", "har")

st.title("Request log")
st.markdown(
    ":gray[Every request and response, as sent and received (secrets redacted): the "
    "evidence for the ePayment checklist. Filter it, inspect one, download it.]"
)
ss = st.session_state
store = ss.recorder.store
if (focus := ss.pop("log_focus", None)) is not None:  # the checklist or QA page opened one exchange
    ss.update({f"log_{name}": [] for name in log.WHO}, log_steps=[], log_status=[])
    ss.update(log_scope="All runs", log_reference="", log_page=1, log_detail=focus, log_pin=focus)
scope = st.radio("Runs", ["This run", "All runs"], key="log_scope", horizontal=True)
left, middle, right = st.columns(3)
steps = left.multiselect("Step", STEP_KEYS, key="log_steps")
statuses = middle.multiselect("Status", STATUS_CLASSES, key="log_status")
reference = right.text_input("Reference contains", key="log_reference")
values = store.who_values()
who = {
    name: column.multiselect(title, values[name], key=f"log_{name}")
    for column, (name, title) in zip(st.columns(4), log.WHO.items(), strict=True)
}
run_id = None if scope == "All runs" else ss.recorder.run_id
where = log.log_filter(run_id, steps=steps, statuses=statuses, reference=reference, who=who)
page, ss.log_page = log.page_of(store, where, ss.get("log_page", 1))
if rehearsal := log.rehearsed(store, where):
    st.warning(log.REHEARSAL, icon=":material/theater_comedy:")
st.caption(log.span(page))
st.dataframe(log.table(page), hide_index=True, width="stretch", height=320)
st.number_input(f"Page (of {page.pages})", 1, page.pages, key="log_page")
if labels := log.choices(page, ss.get("log_pin"), ss.get("log_detail")):
    chosen = st.selectbox(
        "One exchange in detail", [*labels], format_func=labels.get, key="log_detail"
    )
    show_exchange(store.exchange(chosen), key="log")  # its headers and bodies, this one only
    fit = download_fit(store, where, count=page.total)
    verb = "Download" if fit.in_browser else "Export"
    st.markdown(f"**{verb} the evidence** (the {page.total:,} exchanges above, all pages)")
    if fit.in_browser:
        for column, fmt in zip(st.columns(4), FORMATS, strict=True):
            column.download_button(
                (spec := EXPORT_FORMATS[fmt]).label,
                partial(export_bytes, Selection(store, where), fmt),  # streamed on click only
                f"epayment-lab.{spec.extension}",
                spec.mime,
                key=f"log_download_{fmt}",
                icon=":material/download:",
            )
    else:  # a browser download would hold the whole file in this process: write it instead
        st.info(fit.reason, icon=":material/info:")
        if rehearsal:  # the file is no more evidence for Vipps than the table above
            st.warning(log.REHEARSAL, icon=":material/theater_comedy:")
        st.caption("Write to a file on this machine:")
        for column, fmt in zip(st.columns(4), FORMATS, strict=True):
            label = f"Write {EXPORT_FORMATS[fmt].label}"
            if column.button(label, key=f"log_write_{fmt}", icon=":material/save:"):
                with st.spinner(f"Writing {fit.count:,} exchanges…"):
                    try:
                        path = write_export(store, where, fmt)
                        kept = [w for w in ss.get("log_written", []) if w[0] == where]
                        ss.log_written = [*kept, (where, fmt, fit.count, path)]
                    except OSError as error:  # a full disk or a folder it may not write in
                        st.error(f"Could not write the file: {error}", icon=":material/error:")
        # Shown while the filters are the ones the files were written from.
        if written := [w for w in ss.get("log_written", []) if w[0] == where]:
            for _where, _fmt, count, path in written:
                st.success(f"Written: `{path}` ({count:,} exchanges, {size_of(path)})",
                           icon=":material/task_alt:")  # fmt: skip
            _, fmt, _, path = written[-1]
            st.caption("The same export from a terminal in the lab's folder, as a new dated file "
                       "(in a Jupyter cell, start the line with an exclamation mark):")  # fmt: skip
            st.code(export_command(store, where, fmt, path.parent), language="sh", wrap_lines=True)
else:
    st.info("No exchanges match. Walk the quick start from step 1, or widen the filters.")
