"""A Postman environment in (the global environment's shape) and out (for the running simulator).

The quick start's Step 1 tells a developer to import Vipps's global Postman environment and fill in
their keys; these are the variable names that environment (and the official collections) use.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

from lib.settings import Settings, SettingsError

# Postman variable -> Settings field.
VARIABLES: dict[str, str] = {
    "client_id": "client_id",
    "client_secret": "client_secret",
    "Ocp-Apim-Subscription-Key": "subscription_key",
    "merchantSerialNumber": "merchant_serial_number",
    "base_url": "base_url",
    "vipps_system_name": "system_name",
    "vipps_system_version": "system_version",
    "vipps_system_plugin_name": "plugin_name",
    "vipps_system_plugin_version": "plugin_version",
}
REQUIRED = ("client_id", "client_secret", "Ocp-Apim-Subscription-Key", "merchantSerialNumber")
SECRET_VARIABLES = frozenset({"client_secret", "Ocp-Apim-Subscription-Key", "access_token"})
# "<Set your client_id in the CURRENT VALUE column. ...>": the global environment's placeholders.
PLACEHOLDER = re.compile(r"^\s*<.*>\s*$", re.DOTALL)
MAX_FILE_BYTES = 1_000_000


class PostmanImportError(ValueError):
    """The file is not a usable Postman environment; `problems` name each key (never a value)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def read_environment(data: bytes | str | Mapping[str, Any]) -> dict[str, str]:
    """The enabled variables of a Postman environment file (`{"values": [{key, value}]}`)."""
    if isinstance(data, bytes | str):
        if len(data) > MAX_FILE_BYTES:
            raise PostmanImportError(["The file is larger than a Postman environment (1 MB)."])
        try:
            data = json.loads(data)
        except ValueError:
            raise PostmanImportError(
                ["The file is not JSON: export it from Postman again."]
            ) from None
    values = data.get("values") if isinstance(data, Mapping) else None
    if not isinstance(values, list):
        raise PostmanImportError(
            ["The file has no 'values' list: is it a Postman environment, not a collection?"]
        )
    found: dict[str, str] = {}
    for item in values:
        if isinstance(item, Mapping) and item.get("enabled", True) is not False:
            key, value = item.get("key"), item.get("value")
            if isinstance(key, str) and value is not None:
                found[key] = str(value)
    return found


def settings_from_environment(
    data: bytes | str | Mapping[str, Any], target: str = "test"
) -> Settings:
    """Settings for `target` from a Postman environment. Missing or placeholder values are refused
    with a message naming the key; the file itself is not kept anywhere."""
    variables = read_environment(data)
    problems = []
    for key in REQUIRED:
        value = variables.get(key, "")
        if not value.strip():
            problems.append(f"{key} is missing or empty.")
        elif PLACEHOLDER.match(value):
            problems.append(f"{key} still has the template's placeholder: fill in your own value.")
    values = {
        field: variables[key].strip()
        for key, field in VARIABLES.items()
        if variables.get(key, "").strip() and not PLACEHOLDER.match(variables[key])
    }
    if target != "custom":
        values.pop("base_url", None)  # test and production have fixed addresses
    if problems:
        raise PostmanImportError(problems)
    try:
        return Settings.load({}, {}, target=target, **values)
    except SettingsError as err:
        raise PostmanImportError(list(err.problems)) from None


def environment_for(settings: Settings, name: str | None = None) -> dict[str, Any]:
    """A Postman environment for these settings (e.g. the running simulator's base URL and keys).

    Secrets are typed "secret" so Postman masks them; export only keys meant to be shared, such
    as the simulator's documented demo keys.
    """
    values = {key: str(getattr(settings, field)) for key, field in VARIABLES.items()}
    values.update({"internationalMobileNumber": "4712345678", "amount": "1000", "currency": "NOK"})
    values.update({"access_token": "", "reference": "", "idempotency_key": ""})
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, settings.base_url or "epayment-lab")),
        "name": name or f"ePayment Lab ({settings.target})",
        "values": [
            {
                "key": key,
                "value": value,
                "type": "secret" if key in SECRET_VARIABLES else "default",
                "enabled": True,
            }
            for key, value in values.items()
        ],
        "_postman_variable_scope": "environment",
    }
