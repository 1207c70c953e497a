"""The sales units a QA run covers: by MSN (`--msn`) or a units file (`--units`), keys resolved."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lib.settings import ENV_PREFIX, Settings, SettingsError

MARKETS = ("NOK", "DKK", "EUR")
KEY_FIELDS = ("client_id", "client_secret", "subscription_key")
SECRET_FIELDS = ("client_secret", "subscription_key")
UNIT_FIELDS = ("msn", "name", "currency", "client_id")
_MSN = re.compile(r"^[0-9]{4,10}$")


@dataclass(frozen=True)
class Unit:
    """One sales unit to verify; the secrets stay out of repr."""

    msn: str
    name: str = ""
    currency: str = "NOK"
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    subscription_key: str = field(default="", repr=False)

    @property
    def label(self) -> str:
        name = f" {self.name}" if self.name else ""
        market = "" if self.currency in self.name else f" ({self.currency})"
        return f"{self.msn}{name}{market}"


class UnitsError(ValueError):
    """The units could not be read or lack keys; `problems` names each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def read_units_file(path: Path) -> list[dict[str, str]]:
    """The `[[units]]` tables of a units file, checked; secrets in it are refused.

    A units file names each unit and its market; it holds no secret, so it can be committed::

        [[units]]
        msn = "123456"
        name = "Webshop Norway"   # optional
        currency = "NOK"          # NOK, DKK or EUR (default NOK)
        client_id = "..."         # optional here: also read like the secrets below

    The client secret and subscription key (and a client_id the file leaves out) are read, for
    MSN 123456, from `.streamlit/secrets.toml` `[epayment.units."123456"]`, else from the
    environment (EPAYMENT_LAB_CLIENT_SECRET_123456, EPAYMENT_LAB_SUBSCRIPTION_KEY_123456,
    EPAYMENT_LAB_CLIENT_ID_123456), else from the `[epayment]` keys when its MSN is this one.
    Never from the command line.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UnitsError([f"{path.name}: {error}"]) from error
    units = data.get("units")
    if not isinstance(units, list) or not units:
        raise UnitsError([f"{path.name}: needs [[units]] tables, each with an msn"])
    problems, out = [], []
    for i, table in enumerate(units, 1):
        where = f"{path.name}: unit {i}"
        if not isinstance(table, dict):
            problems.append(f"{where}: must be a table")
            continue
        problems += _unit_problems(where, table)
        out.append({k: str(v) for k, v in table.items()})
    msns = [u.get("msn") for u in out]
    problems += [
        f"{path.name}: MSN {m} listed twice" for m in dict.fromkeys(msns) if msns.count(m) > 1
    ]
    if problems:
        raise UnitsError(problems)
    return out


def _unit_problems(where: str, table: Mapping[str, Any]) -> list[str]:
    problems = []
    for key in table:
        if key in SECRET_FIELDS:
            problems.append(
                f"{where}: keep {key} out of the units file (secrets.toml or environment)"
            )
        elif key not in UNIT_FIELDS:
            problems.append(f"{where}: unknown field {key!r} (known: {', '.join(UNIT_FIELDS)})")
    if not _MSN.match(str(table.get("msn", ""))):
        problems.append(f'{where}: msn must be 4-10 digits, as text (msn = "123456")')
    if str(table.get("currency", "NOK")) not in MARKETS:
        problems.append(f"{where}: currency must be one of {', '.join(MARKETS)}")
    return problems


def resolve(
    wanted: Sequence[Mapping[str, str]], secrets: Mapping[str, Any], env: Mapping[str, str]
) -> list[Unit]:
    """Units with their keys: from the wanted table, else secrets.toml, else the environment."""
    main = secrets.get("epayment", {}) if isinstance(secrets.get("epayment"), Mapping) else {}
    tables = main.get("units", {}) if isinstance(main.get("units"), Mapping) else {}
    units, problems = [], []
    for table in wanted:
        msn = table["msn"]
        own = tables.get(msn, {})
        keys = {k: _key(k, msn, table, own, main, env) for k in KEY_FIELDS}
        if missing := [k for k, v in keys.items() if not v]:
            problems.append(f"MSN {msn}: no {', '.join(missing)} (" + _where(missing, msn) + ")")
        name = table.get("name") or own.get("name", "")
        currency = table.get("currency") or own.get("currency", "NOK")
        units.append(Unit(msn, str(name), str(currency), **keys))
    if problems:
        raise UnitsError(problems)
    return units


def _key(name: str, msn: str, *sources: Mapping[str, Any]) -> str:
    table, own, main, env = sources
    env_name = f"{ENV_PREFIX}{name.upper()}_{msn}"
    for value in (table.get(name), own.get(name), env.get(env_name)):
        if value:
            return str(value)
    main_msn = main.get("merchant_serial_number") or env.get(f"{ENV_PREFIX}MSN")
    if str(main_msn or "") == msn:
        return str(main.get(name) or env.get(f"{ENV_PREFIX}{name.upper()}") or "")
    return ""


def _where(missing: list[str], msn: str) -> str:
    env = ", ".join(f"{ENV_PREFIX}{k.upper()}_{msn}" for k in missing)
    return f'secrets.toml [epayment.units."{msn}"] or {env}'


def test_settings(unit: Unit, secrets: Mapping[str, Any], env: Mapping[str, str]) -> Settings:
    """The test environment's settings for `unit` (system names from the [epayment] table)."""
    try:
        return Settings.load(
            secrets, env, target="test", merchant_serial_number=unit.msn,
            client_id=unit.client_id, client_secret=unit.client_secret,
            subscription_key=unit.subscription_key,
        )  # fmt: skip
    except SettingsError as error:
        raise UnitsError([f"MSN {unit.msn}: {p}" for p in error.problems]) from error


test_settings.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
