"""Your integration's adversity queue: arm a bad day for the next payment, list, clear."""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
import streamlit as st

from lib.integration.session import IntegrationSession
from lib.simulator_control import BEHAVIOURS, Behaviour, SimulatorControl, SimulatorControlError

# What each behaviour does (simulator/README.md, "Adversity"); seconds/count where it takes them.
HELP: dict[str, str] = {
    "approve": "The user approves at once.",
    "reject": "The user rejects: ABORTED.",
    "never": "The user never acts: CREATED until it expires (10 min on the simulator's clock).",
    "approve_after": "The user approves after N seconds of the simulator's clock.",
    "capture_503": "503 on the next capture; nothing is captured. Retry with the same key.",
    "capture_dropped": "The next capture is done, then the connection drops without an answer.",
    "get_429": "429 Too Many Requests on the next N GETs of the payment.",
    "webhook_late": "Its first webhook comes N seconds late (later ones wait behind it).",
    "webhook_twice": "Its first webhook is delivered twice.",
    "webhook_out_of_order": "Its first webhook comes after the next one (held at most N s).",
    "webhook_refused_first": "Its first webhook's first attempt counts as refused: retried.",
    "webhook_forged": "A forged `authorized` webhook for it, signed with a wrong secret.",
}
SECONDS = {"approve_after": 10.0, "get_429": 2.0, "webhook_late": 5.0, "webhook_out_of_order": 30.0}
COUNTS = {"capture_503": 1, "capture_dropped": 1, "get_429": 3}
COLUMNS = ["id", "behaviour", "msn", "status", "reference", "taken", "outcome"]


def adversity_queue(session: IntegrationSession) -> None:
    """Arming needs the running simulator; the list shows what is armed and what fired."""
    if session.kind != "simulator":
        st.caption("Adversity is played by the simulator: start on the simulator target.")
        return
    if session.stopped:
        st.caption("The simulator stopped with the recording; start again to arm adversity.")
        return
    control = SimulatorControl(session.base_url)
    arm_form(control, [u.merchant_serial_number for u in session.sales_units])
    queue_view(control)


def arm_form(control: SimulatorControl, msns: list[str]) -> None:
    cols = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    behaviour = cols[0].selectbox(
        "Behaviour", BEHAVIOURS, key="int_adv_behaviour", format_func=lambda b: b.replace("_", " ")
    )
    msn = cols[1].selectbox("Sales unit (MSN)", msns, key="int_adv_msn")
    options: dict[str, Any] = {}
    if behaviour in SECONDS:
        options["seconds"] = cols[2].number_input(
            "Seconds", 0.0, 86400.0, SECONDS[behaviour], key="int_adv_seconds"
        )
    if behaviour in COUNTS:
        options["count"] = int(
            cols[3].number_input("Count", 1, 1000, COUNTS[behaviour], key="int_adv_count")
        )
    st.caption(HELP[behaviour] + " Applies to the next payment this sales unit creates.")
    if st.button("Arm", key="int_adv_arm", icon=":material/bolt:"):
        try:
            armed = control.arm_adversity(msn, cast(Behaviour, behaviour), **options)
            st.toast(f"Armed {armed['behaviour']} for MSN {msn}'s next payment.")
        except SimulatorControlError as error:
            st.error(str(error), icon=":material/error:")


def queue_view(control: SimulatorControl) -> None:
    try:
        listing = control.adversity()
    except SimulatorControlError as error:
        st.error(str(error), icon=":material/error:")
        return
    for title, rows in (("Armed", listing["armed"]), ("Fired", listing["fired"][::-1])):
        st.markdown(f"**{title}** ({len(rows)})")
        if rows:
            frame = pd.DataFrame(rows)
            st.dataframe(frame[[c for c in COLUMNS if c in frame]], hide_index=True)
    if listing["armed"] and st.button("Clear the queue", key="int_adv_clear"):
        control.clear_adversity()
        st.rerun()
