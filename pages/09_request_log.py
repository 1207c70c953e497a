"""The request log: every exchange (secrets redacted), filters, one in detail, evidence exports."""

from functools import partial

import streamlit as st

from lib.log_filter import STATUS_CLASSES, filter_log
from lib.quickstart import STEP_KEYS
from lib.recorder import EXPORT_FORMATS, export_bytes, summary
from lib.ui.deeplink import require_entrypoint
from lib.ui.exchange import show_exchange

require_entrypoint(__file__)

st.title("Request log")
st.markdown(
    ":gray[Every request and response, as sent and received (secrets redacted): the "
    "evidence for the ePayment checklist. Filter it, inspect one, download it.]"
)
ss = st.session_state
if (focus := ss.pop("log_focus", None)) is not None:  # the checklist or QA page opened one exchange
    ss.update(log_scope="All runs", log_steps=[], log_status=[], log_reference="", log_detail=focus)
scope = st.radio("Runs", ["This run", "All runs"], key="log_scope", horizontal=True)
frame = ss.recorder.to_dataframe(all_runs=scope == "All runs")
left, middle, right = st.columns(3)
steps = left.multiselect("Step", STEP_KEYS, key="log_steps")
statuses = middle.multiselect("Status", STATUS_CLASSES, key="log_status")
reference = right.text_input("Reference contains", key="log_reference")
view = filter_log(frame, steps, statuses, reference)
st.caption(f"{len(view)} of {len(frame)} exchanges")
st.dataframe(summary(view).iloc[::-1], hide_index=True, width="stretch", height=320)
if len(view):
    labels = {
        int(r.id): f"#{r.id} {r.operation} {r.status if r.status == r.status else '-'} "
        f"{r.reference or ''}"
        for r in view.itertuples()
    }
    chosen = st.selectbox(
        "One exchange in detail", list(labels)[::-1], format_func=labels.get, key="log_detail"
    )
    show_exchange(ss.recorder.exchange(chosen), key="log")
    st.markdown("**Download the evidence** (the filtered table)")
    for column, (fmt, spec) in zip(
        st.columns(4), [(f, EXPORT_FORMATS[f]) for f in ("csv", "json", "xlsx", "har")], strict=True
    ):
        column.download_button(
            spec.label,
            partial(export_bytes, view, fmt),  # built on click, not on every rerun
            f"epayment-lab.{spec.extension}",
            spec.mime,
            key=f"log_download_{fmt}",
            icon=":material/download:",
        )
else:
    st.info("No exchanges match. Walk the quick start from step 1, or widen the filters.")
