"""Entrypoint, setup and access token pages."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT, TIMEOUT
from tests.app.helpers import metrics, texts, unexpected


def test_entrypoint_starts_on_the_simulator_without_keys(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EPAYMENT_LAB_DB", str(tmp_path / "smoke.sqlite"))
    for name in ("TARGET", "CLIENT_ID", "CLIENT_SECRET", "SUBSCRIPTION_KEY", "MSN", "BASE_URL"):
        monkeypatch.delenv(f"EPAYMENT_LAB_{name}", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.secrets["epayment"] = {"target": "simulator"}  # not the developer's own secrets.toml
    at.run()
    assert not unexpected(at)
    assert [t.value for t in at.title] == ["1. Setup"]
    assert at.session_state.settings.target == "simulator"
    assert "Embedded simulator" in "\n".join(m.value for m in at.sidebar.markdown)
    assert (tmp_path / "smoke.sqlite").exists()


def test_setup_checks_the_simulator_keys_with_a_token(app, settings) -> None:
    at = app()
    assert at.radio(key="setup_target").value == "simulator"
    assert at.text_input(key="setup_client_id_simulator").value == settings.client_id
    at.button(key="setup_check").click().run()
    assert not unexpected(at)
    assert "setup" in at.session_state.marks
    assert f"Keys work for MSN {settings.merchant_serial_number}" in texts(at)
    shown = texts(at) + "".join(j.value for j in at.json)
    assert settings.client_secret not in shown
    assert settings.subscription_key not in shown


def test_setup_for_the_test_environment_names_each_missing_key(app) -> None:
    at = app()
    at.radio(key="setup_target").set_value("test").run()
    at.text_input(key="setup_msn_test").input("12")
    at.button(key="setup_check").click().run()
    assert not unexpected(at)
    errors = " ".join(e.value for e in at.error)
    assert "client_id" in errors and "client_secret" in errors and "4-10 digits" in errors
    assert at.session_state.settings.target == "simulator"  # nothing changed


def test_setup_custom_url_names_the_page_fields(app) -> None:
    at = app()
    at.radio(key="setup_target").set_value("custom").run()
    at.button(key="setup_check").click().run()
    assert not unexpected(at)
    errors = " ".join(e.value for e in at.error)
    for label in ("Base URL", "client_id", "Ocp-Apim-Subscription-Key", "(MSN)"):
        assert label in errors
    assert "EPAYMENT_LAB_" not in errors and "secrets.toml" not in errors


def test_setup_unreachable_url_is_explained_and_not_saved(app, settings) -> None:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    at = app()
    at.radio(key="setup_target").set_value("custom").run()
    at.text_input(key="setup_base_url_custom").input(f"http://127.0.0.1:{port}")
    at.text_input(key="setup_client_id_custom").input("someone")
    at.text_input(key="setup_msn_custom").input("123456")
    at.text_input(key="setup_secret_custom").input("a-secret")
    at.text_input(key="setup_sub_key_custom").input("a-key")
    at.button(key="setup_check").click().run()
    assert not unexpected(at)
    errors = " ".join(e.value for e in at.error)
    assert f"Could not connect to 127.0.0.1:{port} — is the server running" in errors
    assert "Idempotency-Key" not in errors  # a token call has none to reuse
    # The raw urllib3 text once, in the expander; not in the plain-words lines.
    assert "Errno" not in errors + " ".join(m.value for m in at.markdown)
    assert [x.label == "What the connection said" for x in at.expander].count(True) == 1
    assert sum("Errno" in c.value for c in at.code) == 1
    assert at.session_state.settings == settings  # the failing setup was not saved
    assert "Not saved: the check failed" in " ".join(w.value for w in at.warning)


def test_access_token_is_masked_and_counts_down(app, settings) -> None:
    at = app("pages/02_access_token.py")
    assert "curl -X POST" in texts(at)  # the call it will make, before anything is sent
    at.button(key="token_get").click().run()
    assert not unexpected(at)
    shown = metrics(at)
    assert shown["Type"] == "Bearer"
    masked = [c.value for c in at.code if c.value.startswith("eyJ")]
    assert len(masked) == 1 and "chars" in masked[0]  # wrapped code: never cut off
    assert shown["Expires in"].startswith(("59:", "1:00:"))
    bodies = "".join(json.loads(j.value).__repr__() for j in at.json)
    assert "«redacted:access_token»" in bodies
    assert settings.client_secret not in texts(at) + bodies


def test_entrypoint_reads_test_keys_from_secrets_and_never_shows_the_secret(
    monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EPAYMENT_LAB_DB", str(tmp_path / "keys.sqlite"))
    keys = {
        "target": "test",
        "client_id": "00000000-0000-0000-0000-00000000beef",
        "client_secret": "the-real-client-secret",
        "subscription_key": "the-real-subscription-key",
        "merchant_serial_number": "987654",
    }
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.secrets["epayment"] = keys
    at.run()
    assert not unexpected(at)
    assert at.session_state.settings.base_url == "https://apitest.vipps.no"
    assert at.radio(key="setup_target").value == "test"
    assert at.text_input(key="setup_client_id_test").value == keys["client_id"]
    assert at.text_input(key="setup_secret_test").value == ""  # masked and never sent to the page
    sidebar = "\n".join(m.value for m in at.sidebar.markdown)
    assert "Test environment" in sidebar and "987654" in sidebar
    shown = texts(at) + sidebar + "".join(str(t.value) for t in at.text_input)
    assert keys["client_secret"] not in shown and keys["subscription_key"] not in shown


def test_a_token_404_on_a_custom_url_names_the_address_not_a_reference(app, settings) -> None:
    at = app()
    at.radio(key="setup_target").set_value("custom").run()
    at.text_input(key="setup_base_url_custom").input(f"{settings.base_url}/no-api-here")
    for field, value in (
        ("client_id", settings.client_id),
        ("secret", settings.client_secret),
        ("sub_key", settings.subscription_key),
        ("msn", settings.merchant_serial_number),
    ):
        at.text_input(key=f"setup_{field}_custom").input(value)
    at.button(key="setup_check").click().run()
    assert not unexpected(at)
    errors = " ".join(e.value for e in at.error)
    assert "(404)" in errors and "POST /accesstoken/get" in errors and "base URL" in errors
    assert "reference" not in errors.lower()
    assert at.session_state.settings == settings  # still the checked simulator
    assert f"**Active now**: Embedded simulator ({settings.base_url})" in texts(at)


def test_the_chosen_target_is_not_active_before_its_check(app, settings, monkeypatch) -> None:
    """An interrupted check (another click stops the run mid-call) leaves the checked settings."""
    import streamlit as st
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    from lib.epayment import EPaymentClient

    at = app()
    at.radio(key="setup_target").set_value("custom").run()
    assert "Custom URL becomes active only when its keys pass the check" in texts(at)
    seen: list[object] = []

    def interrupted(client: EPaymentClient) -> None:
        seen.append(st.session_state.settings)  # what any page would use at this instant
        raise StopException()  # as Streamlit stops a run when another click arrives

    monkeypatch.setattr(EPaymentClient, "get_access_token", interrupted)
    at.text_input(key="setup_base_url_custom").input("http://127.0.0.1:9")
    for field in ("client_id", "secret", "sub_key"):
        at.text_input(key=f"setup_{field}_custom").input("made-up")
    at.text_input(key="setup_msn_custom").input("123456")
    at.button(key="setup_check").click().run()
    assert seen == [settings]  # during the check: the previous settings are the active ones
    assert at.session_state.settings == settings  # after the interruption too
    assert at.session_state.client.settings == settings
