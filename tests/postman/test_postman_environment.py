"""Import of a Postman environment of the global environment's shape; export for the simulator."""

from __future__ import annotations

import json

import pytest

from lib.postman import PostmanImportError, environment_for, settings_from_environment
from lib.settings import Settings

CLIENT_ID = "7c1b6a52-3f0e-4d9a-8b21-5e6f7a8b9c01"
SECRET = "s3cret-value-never-shown"
KEY = "0123456789abcdef0123456789abcdef"


def _env(**values: str) -> dict:
    return {
        "name": "Vipps MobilePay API Global Environment",
        "values": [{"key": k, "value": v, "enabled": True} for k, v in values.items()],
    }


def _complete(**override: str) -> dict:
    values = {
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "Ocp-Apim-Subscription-Key": KEY,
        "merchantSerialNumber": "123456",
        "base_url": "https://apitest.vipps.no",
        "internationalMobileNumber": "4712345678",
        "vipps_system_name": "acme",
        "vipps_system_version": "3.1.2",
        "vipps_system_plugin_name": "acme-webshop",
        "vipps_system_plugin_version": "4.5.6",
    }
    values.update(override)
    return _env(**values)


def test_import__the_global_environment_shape_gives_settings() -> None:
    settings = settings_from_environment(json.dumps(_complete()).encode(), target="test")
    assert settings.target == "test" and settings.client_id == CLIENT_ID
    assert settings.client_secret == SECRET and settings.subscription_key == KEY
    assert settings.merchant_serial_number == "123456"
    assert (settings.system_name, settings.plugin_name) == ("acme", "acme-webshop")


def test_import__placeholders_are_refused_naming_the_key() -> None:
    template = "<Set your client_secret in the CURRENT VALUE column. See https://...>"
    with pytest.raises(PostmanImportError) as err:
        settings_from_environment(_complete(client_secret=template))
    assert err.value.problems == ["client_secret still has the template's placeholder: fill in "
                                  "your own value."]  # fmt: skip


def test_import__missing_keys_are_refused_and_secrets_never_echoed() -> None:
    env = _complete()
    env["values"] = [v for v in env["values"] if v["key"] != "Ocp-Apim-Subscription-Key"]
    env["values"].append({"key": "merchantSerialNumber", "value": "12", "enabled": True})
    with pytest.raises(PostmanImportError) as err:
        settings_from_environment(env)
    text = str(err.value)
    assert "Ocp-Apim-Subscription-Key is missing" in text
    assert SECRET not in text and CLIENT_ID not in text


def test_import__a_disabled_value_counts_as_missing() -> None:
    env = _complete()
    for value in env["values"]:
        if value["key"] == "client_id":
            value["enabled"] = False
    with pytest.raises(PostmanImportError, match="client_id is missing"):
        settings_from_environment(env)


@pytest.mark.parametrize(
    ("data", "said"),
    [(b"{not json", "not JSON"), (b'{"item": []}', "no 'values' list"), (b"x" * 1_000_001, "1 MB")],
)
def test_import__not_an_environment(data: bytes, said: str) -> None:
    with pytest.raises(PostmanImportError, match=said):
        settings_from_environment(data)


def test_export__round_trips_through_import_on_a_custom_target() -> None:
    settings = Settings.load({}, {}, target="custom", base_url="http://127.0.0.1:8090",
                             client_id=CLIENT_ID, client_secret=SECRET, subscription_key=KEY,
                             merchant_serial_number="123456")  # fmt: skip
    exported = environment_for(settings)
    kinds = {v["key"]: v["type"] for v in exported["values"]}
    assert kinds["client_secret"] == "secret" and kinds["Ocp-Apim-Subscription-Key"] == "secret"
    back = settings_from_environment(json.dumps(exported), target="custom")
    assert back.base_url == "http://127.0.0.1:8090" and back.client_secret == SECRET
