"""Setup page: import a Postman environment (checked like typed keys) and the Postman downloads."""

from __future__ import annotations

import json

from lib.postman import environment_for
from tests.app.helpers import texts, unexpected


def _upload(at, target: str, document: dict) -> None:
    data = json.dumps(document).encode()
    at.file_uploader(key=f"setup_postman_{target}").set_value(
        ("env.json", data, "application/json")
    )
    at.run()
    at.button(key=f"setup_postman_go_{target}").click().run()


def test_import__a_working_environment_becomes_active_after_its_check(app, settings) -> None:
    at = app()
    at.radio(key="setup_target").set_value("custom").run()
    _upload(at, "custom", environment_for(settings))  # the simulator's address and keys
    assert not unexpected(at)
    active = at.session_state.settings
    assert (active.target, active.base_url) == ("custom", settings.base_url)
    assert "setup" in at.session_state.marks
    shown = texts(at) + "".join(j.value for j in at.json)
    assert settings.client_secret not in shown and settings.subscription_key not in shown


def test_import__a_placeholder_is_refused_by_name_and_nothing_changes(app, settings) -> None:
    at = app()
    at.radio(key="setup_target").set_value("custom").run()
    document = environment_for(settings)
    for value in document["values"]:
        if value["key"] == "client_secret":
            value["value"] = "<Set your client_secret in the CURRENT VALUE column.>"
    _upload(at, "custom", document)
    assert "Not imported: client_secret still has the template's placeholder" in texts(at)
    assert at.session_state.settings.target == "simulator"
    assert "setup" not in at.session_state.marks


def test_downloads__environment_and_collections_are_offered(app) -> None:
    at = app()
    labels = {b.label for b in at.get("download_button")}
    assert {"Environment for the simulator", "Quick start collection",
            "This run as a collection"} <= labels  # fmt: skip
