"""Postman on the Setup page: import an environment (checked like typed keys), exports."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from lib.postman import (
    PostmanImportError,
    environment_for,
    quickstart_collection,
    run_collection,
    settings_from_environment,
)
from lib.settings import Settings


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def imported_settings(target: str) -> Settings | None:
    """Settings from an uploaded Postman environment, or None. The file is read in memory only;
    its secrets are never shown back, and problems name the key, never the value."""
    if target == "simulator":
        return None  # the simulator's keys are filled in already
    upload = st.file_uploader(
        "…or import a Postman environment (the global environment's shape, with your values)",
        type=["json"],
        key=f"setup_postman_{target}",
    )
    if upload is None or not st.button(
        "Import and check the keys", key=f"setup_postman_go_{target}", icon=":material/upload:"
    ):
        return None
    try:
        return settings_from_environment(upload.getvalue(), target=target)
    except PostmanImportError as err:
        for problem in err.problems:
            st.error(f"Not imported: {problem}", icon=":material/edit:")
        return None


def downloads(sim_settings: Settings | None, recorder: Any) -> None:
    """For Postman against the simulator offline: its environment, the quick start, this run."""
    with st.expander("Postman: environment and collections", icon=":material/download:"):
        left, middle, right = st.columns(3)
        if sim_settings is not None:
            left.download_button(
                "Environment for the simulator",
                lambda: _json(environment_for(sim_settings, "ePayment Lab simulator")),
                "epayment-lab-simulator.postman_environment.json",
                "application/json",
                key="setup_pm_env",
                help="Base URL and the simulator's demo keys (not real keys).",
            )
        middle.download_button(
            "Quick start collection",
            lambda: _json(quickstart_collection()),
            "epayment-lab-quickstart.postman_collection.json",
            "application/json",
            key="setup_pm_collection",
        )
        right.download_button(
            "This run as a collection",
            lambda: _json(run_collection(recorder.exchanges())),
            "epayment-lab-run.postman_collection.json",
            "application/json",
            key="setup_pm_run",
            help="Every request of this run; secrets as {{variables}}.",
        )
