"""Connection settings for a target (simulator, test, production, custom): caller, secrets, env."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from importlib import metadata
from pathlib import Path
from typing import Any

TARGETS = ("simulator", "test", "production", "custom")
BASE_URLS = {"test": "https://apitest.vipps.no", "production": "https://api.vipps.no"}
ENV_PREFIX = "EPAYMENT_LAB_"
# Field name -> env var suffix, where they differ; the rest is the upper-cased field name.
_ENV_NAMES = {"merchant_serial_number": "MSN"}
_SECRET_FIELDS = ("client_secret", "subscription_key")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_MSN = re.compile(r"^[0-9]{4,10}$")


class SettingsError(ValueError):
    """Every missing or malformed setting at once; `problems` lists them one by one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("ePayment settings are incomplete: " + "; ".join(problems) + ".")


def package_version() -> str:
    """The installed distribution's version, else pyproject.toml's (for Vipps-System-Version)."""
    try:
        return metadata.version("epayment-lab")
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    match = re.search(r'^version\s*=\s*"([^"]+)"', _read(pyproject), re.MULTILINE)
    return match.group(1) if match else "0.0.0"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


@dataclass(frozen=True)
class Settings:
    """Where to send requests and with which keys. Secrets are hidden from repr.

    Vipps-System-* values default to "epayment-lab" and the package version; the plugin values
    default to the system values (docs: "if plugin headers make no sense, send the same values").
    """

    target: str = "simulator"
    base_url: str = ""
    client_id: str = ""
    client_secret: str = ""
    subscription_key: str = ""
    merchant_serial_number: str = ""
    system_name: str = "epayment-lab"
    system_version: str = ""
    plugin_name: str = ""
    plugin_version: str = ""
    allow_production_writes: bool = False
    merchant_name: str = ""  # shown to an audience (presenter view); the simulator names its own

    def __post_init__(self) -> None:
        # Frozen dataclass: fill derived defaults through object.__setattr__.
        if not self.system_version:
            object.__setattr__(self, "system_version", package_version())
        if not self.plugin_name:
            object.__setattr__(self, "plugin_name", self.system_name)
        if not self.plugin_version:
            object.__setattr__(self, "plugin_version", self.system_version)
        if self.target in BASE_URLS and not self.base_url:
            object.__setattr__(self, "base_url", BASE_URLS[self.target])
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    def __repr__(self) -> str:
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _SECRET_FIELDS:
                value = "***" if value else ""
            shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"

    @property
    def is_production(self) -> bool:
        return self.target == "production" or self.base_url == BASE_URLS["production"]

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values the recorder must redact."""
        return tuple(v for v in (self.client_secret, self.subscription_key) if v)

    @classmethod
    def for_simulator(cls, base_url: str, sales_unit: Any, **overrides: Any) -> Settings:
        """Settings for the embedded simulator; `sales_unit` is a mapping or SalesUnit-like."""

        def get(name: str) -> str:
            value = sales_unit.get(name) if isinstance(sales_unit, Mapping) else None
            return str(value if value is not None else getattr(sales_unit, name, "") or "")

        keys = ("client_id", "client_secret", "subscription_key", "merchant_serial_number")
        values: dict[str, Any] = {k: get(k) for k in keys}
        values.update(target="simulator", base_url=base_url, merchant_name=get("name"))
        values.update(overrides)
        settings = cls(**values)
        settings.validate()
        return settings

    @classmethod
    def load(
        cls,
        secrets: Mapping[str, Any] | None = None,
        env: Mapping[str, str] = os.environ,
        **overrides: Any,
    ) -> Settings:
        """Read settings with precedence caller `overrides` > `secrets` > `env` (EPAYMENT_LAB_*).

        A value the chosen target ignores (a base_url for test, keys for the simulator) is
        refused, unless the caller chose the target itself.

        `secrets` is st.secrets or a parsed secrets.toml: its `[epayment]` table is used (a bare
        table works too). Env names: EPAYMENT_LAB_TARGET, _BASE_URL, _CLIENT_ID, _CLIENT_SECRET,
        _SUBSCRIPTION_KEY, _MSN, _SYSTEM_NAME, _SYSTEM_VERSION, _PLUGIN_NAME, _PLUGIN_VERSION,
        _ALLOW_PRODUCTION_WRITES. Target "simulator" (the default) needs no keys here: the caller
        starts the simulator and uses `for_simulator` or `with_simulator`. Raises SettingsError.
        """
        table = _epayment_table(secrets)
        values: dict[str, Any] = {}
        origin: dict[str, str] = {}  # field -> where its value came from, for the refusals
        for f in fields(cls):
            env_name = _env_name(f.name)
            named = ((overrides, f.name, ""), (table, f.name, "secrets"), (env, env_name, "env"))
            for source, key, where in named:
                if source.get(key) not in (None, ""):
                    values[f.name] = source[key]
                    origin[f.name] = where
                    break
        if "target" not in overrides:  # a caller that picks the target knows what it drops
            _refuse_without_effect(str(values.get("target", "simulator")).strip(), values, origin)
        values["allow_production_writes"] = _truthy(values.get("allow_production_writes", False))
        values = {k: (v if isinstance(v, bool) else str(v).strip()) for k, v in values.items()}
        target = values.get("target", "simulator")
        if target in BASE_URLS and "base_url" not in overrides:
            values.pop("base_url", None)  # test/production have fixed hosts; base_url is for custom
        settings = cls(**values)
        settings.validate()
        return settings

    def with_simulator(self, base_url: str, sales_unit: Any) -> Settings:
        """These settings (system names kept) pointed at a running simulator and its sales unit."""
        keep = {k: getattr(self, k) for k in ("system_name", "system_version")}
        keep.update(plugin_name=self.plugin_name, plugin_version=self.plugin_version)
        return Settings.for_simulator(base_url, sales_unit, **keep)

    def validate(self) -> None:
        """Raise one SettingsError naming every problem; the simulator target may lack keys."""
        problems = self.problems()
        if problems:
            raise SettingsError(problems)

    def problems(self) -> list[str]:
        if self.target not in TARGETS:
            return [f"target {self.target!r} is not one of {', '.join(TARGETS)}"]
        if self.target == "simulator" and not self.base_url:
            return []  # not started yet: for_simulator/with_simulator supply URL and keys
        problems = []
        if not re.match(r"^https?://[^/\s]+", self.base_url):
            problems.append(f"base_url {self.base_url!r} is not an http(s) URL")
        names = ("client_id", "client_secret", "subscription_key", "merchant_serial_number")
        missing = [n for n in names if not getattr(self, n)]
        if missing:
            env = ", ".join(ENV_PREFIX + _ENV_NAMES.get(n, n.upper()) for n in missing)
            problems.append(f"missing {', '.join(missing)} (secrets.toml [epayment] or {env})")
        msn = self.merchant_serial_number
        if msn and not _MSN.match(msn):
            problems.append(f"merchant_serial_number {msn!r} must be 4-10 digits")
        # Real keys are GUIDs (Access Token API); the simulator and custom targets may differ.
        if self.client_id and self.target in BASE_URLS and not _GUID.match(self.client_id):
            problems.append("client_id must be a GUID like 00000000-0000-0000-0000-000000000000")
        for name in ("system_name", "system_version", "plugin_name", "plugin_version"):
            if len(getattr(self, name)) > 30:
                problems.append(f"{name} is longer than 30 characters")
        return problems


def _env_name(name: str) -> str:
    return ENV_PREFIX + _ENV_NAMES.get(name, name.upper())


def _refuse_without_effect(
    target: str, values: Mapping[str, Any], origin: Mapping[str, str]
) -> None:
    """A value the chosen target would silently ignore is an error, not a surprise later:
    test and production have fixed addresses; the embedded simulator brings address and keys."""
    if target in BASE_URLS:
        fixed = BASE_URLS[target]
        if str(values.get("base_url", "")).strip().rstrip("/") == fixed:
            return  # the same address: says nothing the target does not already do
        ignored, why = ["base_url"], f"its address is fixed: {fixed}"
    elif target == "simulator":
        ignored = ["base_url", "client_id", "client_secret", "subscription_key"]
        ignored.append("merchant_serial_number")
        why = "the embedded simulator brings its own address and keys"
    else:
        return
    named = [
        _env_name(n) if origin[n] == "env" else f"{n} in secrets.toml [epayment]"
        for n in ignored
        if origin.get(n) in ("env", "secrets")
    ]
    if named:
        raise SettingsError(
            [
                f"{', '.join(named)} {'has' if len(named) == 1 else 'have'} no effect with "
                f"target {target!r} ({why}): remove it, "
                "or choose the target it is meant for (custom for another address)"
            ]
        )


def _epayment_table(secrets: Mapping[str, Any] | None) -> Mapping[str, Any]:
    try:
        if not secrets:
            return {}
        if "epayment" in secrets and isinstance(secrets["epayment"], Mapping):
            return secrets["epayment"]
    except (FileNotFoundError, KeyError):
        return {}  # st.secrets without a secrets.toml raises on first access
    return secrets


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"1", "true", "yes", "on"}
