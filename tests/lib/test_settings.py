"""Settings from caller, secrets.toml and environment; validation; hidden secrets."""

import tomllib
from pathlib import Path

import pytest

from lib.settings import BASE_URLS, Settings, SettingsError, package_version

EXAMPLE = Path(__file__).resolve().parents[2] / ".streamlit" / "secrets.toml.example"
GUID = "7c1b6a52-3f0e-4d9a-8b21-5e6f7a8b9c01"
FULL_ENV = {
    "EPAYMENT_LAB_TARGET": "test",
    "EPAYMENT_LAB_CLIENT_ID": GUID,
    "EPAYMENT_LAB_CLIENT_SECRET": "env-secret",
    "EPAYMENT_LAB_SUBSCRIPTION_KEY": "env-key",
    "EPAYMENT_LAB_MSN": "654321",
}


def test_the_committed_example_loads() -> None:
    secrets = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    s = Settings.load(secrets, env={})
    assert s.target == "test" and s.base_url == BASE_URLS["test"]
    assert (s.system_name, s.system_version, s.plugin_name) == ("acme", "3.1.2", "epayment-lab")


def test_env_only() -> None:
    s = Settings.load(None, env=FULL_ENV)
    assert s.merchant_serial_number == "654321" and s.client_secret == "env-secret"


def test_precedence_caller_over_secrets_over_env() -> None:
    secrets = {"epayment": {"merchant_serial_number": "111111", "client_secret": "toml-secret"}}
    s = Settings.load(secrets, env=FULL_ENV, merchant_serial_number="222222")
    assert s.merchant_serial_number == "222222"  # caller
    assert s.client_secret == "toml-secret"  # secrets over env
    assert s.subscription_key == "env-key"  # env fills the rest


def test_default_is_the_simulator_and_needs_no_keys() -> None:
    s = Settings.load(None, env={})
    assert s.target == "simulator"
    assert s.system_name == "epayment-lab" and s.system_version == package_version()
    assert (s.plugin_name, s.plugin_version) == (s.system_name, s.system_version)


def test_for_simulator_accepts_mapping_or_object() -> None:
    unit = {
        "client_id": "sim-client",
        "client_secret": "sim-secret",
        "subscription_key": "sim-key",
        "merchant_serial_number": "123456",
    }
    from_map = Settings.for_simulator("http://127.0.0.1:5000/", unit)
    from_obj = Settings.for_simulator("http://127.0.0.1:5000", type("Unit", (), unit)())
    assert from_map == from_obj
    assert from_map.base_url == "http://127.0.0.1:5000" and from_map.target == "simulator"


def test_one_error_names_everything_missing_or_malformed() -> None:
    env = {"EPAYMENT_LAB_TARGET": "test", "EPAYMENT_LAB_CLIENT_ID": "not-a-guid"}
    with pytest.raises(SettingsError) as info:
        Settings.load({"epayment": {"merchant_serial_number": "12"}}, env=env)
    text = str(info.value)
    for word in ("client_secret", "subscription_key", "EPAYMENT_LAB_CLIENT_SECRET", "4-10 digits"):
        assert word in text
    assert "GUID" in text
    assert len(info.value.problems) == 3


def test_custom_target_needs_an_http_url_and_unknown_targets_are_refused() -> None:
    with pytest.raises(SettingsError, match="not an http"):
        Settings.load({"epayment": {**_keys(), "target": "custom", "base_url": "ftp://x"}}, env={})
    secrets = {"epayment": {**_keys(), "target": "custom", "base_url": "http://h:1"}}
    custom = Settings.load(secrets, {})
    assert custom.base_url == "http://h:1"
    with pytest.raises(SettingsError, match="not one of"):
        Settings.load({"epayment": {"target": "staging"}}, env={})


def test_fixed_hosts_refuse_a_base_url_they_would_ignore() -> None:
    stray = {"epayment": {**_keys(), "target": "production", "base_url": "http://x"}}
    with pytest.raises(SettingsError, match="base_url in secrets.toml .* no effect with target"):
        Settings.load(stray, {})
    env = {"EPAYMENT_LAB_TARGET": "test", "EPAYMENT_LAB_BASE_URL": "http://127.0.0.1:9/"}
    with pytest.raises(SettingsError) as info:
        Settings.load({"epayment": _keys()}, env)
    assert "EPAYMENT_LAB_BASE_URL has no effect with target 'test'" in str(info.value)
    assert "https://apitest.vipps.no" in str(info.value)
    same = Settings.load(
        {"epayment": {**_keys(), "target": "test"}}, {"EPAYMENT_LAB_BASE_URL": BASE_URLS["test"]}
    )
    assert same.base_url == BASE_URLS["test"]  # the fixed address itself changes nothing
    # A caller that chose the target (QA on test) drops the secrets' custom address knowingly.
    chosen = Settings.load(stray, {}, target="production")
    assert chosen.base_url == BASE_URLS["production"] and chosen.is_production
    assert not chosen.allow_production_writes


def test_the_simulator_refuses_keys_it_would_ignore() -> None:
    with pytest.raises(SettingsError) as info:
        Settings.load(None, env={"EPAYMENT_LAB_CLIENT_ID": "mine", "EPAYMENT_LAB_MSN": "123456"})
    text = str(info.value)
    assert "EPAYMENT_LAB_CLIENT_ID, EPAYMENT_LAB_MSN have no effect with target 'simulator'" in text
    assert Settings.load(None, env={"EPAYMENT_LAB_SYSTEM_NAME": "acme"}).system_name == "acme"
    env = {"EPAYMENT_LAB_ALLOW_PRODUCTION_WRITES": "true"}
    allowed = Settings.load({"epayment": {**_keys(), "target": "production"}}, env)
    assert allowed.allow_production_writes


def test_secrets_never_appear_in_repr() -> None:
    s = Settings.load(None, env=FULL_ENV)
    assert "env-secret" not in repr(s) and "env-key" not in repr(s)
    assert "env-secret" not in str(s) and GUID in repr(s)


def test_system_headers_longer_than_30_are_refused() -> None:
    with pytest.raises(SettingsError, match="system_name"):
        Settings.load(None, env=FULL_ENV, system_name="x" * 31)


def _keys() -> dict[str, str]:
    return {
        "client_id": GUID,
        "client_secret": "s",
        "subscription_key": "k",
        "merchant_serial_number": "123456",
    }
