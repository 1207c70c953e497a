"""Helpers for the page tests."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def texts(at: AppTest) -> str:
    """Every piece of text on the page (markdown, alerts, captions, code), for `in` checks."""
    kinds = (at.title, at.markdown, at.caption, at.error, at.success, at.info, at.warning, at.code)
    return "\n".join(str(element.value) for kind in kinds for element in kind)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def unexpected(at: AppTest) -> list[str]:
    """Exceptions and the dashboard's safety-net message: both must never appear."""
    shown = [str(e.value) for e in at.exception]
    return shown + [e.value for e in at.error if "Something unexpected" in e.value]
