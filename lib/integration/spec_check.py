"""spec.request-invalid's validator: request bodies and path values against the official specs."""

# Needs PyYAML and openapi-schema-validator (requirements-dev.txt) and the spec files
# ($EPAYMENT_LAB_SPECS, default ../shared/specs); without them load_spec_check raises
# SpecUnavailable and the rule says it did not run. jsonschema-rs, when installed, is a fast path.

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

SPECS_ENV = "EPAYMENT_LAB_SPECS"
REPO_ROOT = Path(__file__).resolve().parents[2]
# Spec file -> the prefix its server URL adds to the wire path (1.8.1 servers end in /epayment).
SPEC_PREFIX = {"epayment.yaml": "/epayment", "webhooks.yaml": "/webhooks"}
# Customer is a oneOf of three objects none of which requires its one property, so every
# customer matches all three and fails oneOf; the prose says exactly one is meant (the same
# conscious adjustment tests/spec_adapt.py makes for the simulator's tests).
CUSTOMER_BRANCHES = {
    "CustomerPhoneNumber": "phoneNumber",
    "PersonalQrCode": "personalQr",
    "CustomerToken": "customerToken",
}
Validate = Callable[[Any], list[str]]


class SpecUnavailable(RuntimeError):
    """The validator library or the spec files are missing: the rule cannot run."""


def specs_dir() -> Path:
    env = os.environ.get(SPECS_ENV)
    return Path(env).expanduser().resolve() if env else REPO_ROOT.parent / "shared" / "specs"


@dataclass(frozen=True)
class SpecOperation:
    method: str
    pattern: re.Pattern[str]
    label: str  # the spec's operationId, or method and path where it has none
    body: Validate | None
    body_required: bool
    path_params: tuple[tuple[str, Validate], ...]


class SpecCheck:
    """`problems(method, path, body)` -> readable lines; empty when the request conforms."""

    def __init__(self, operations: list[SpecOperation], source: str) -> None:
        self.operations = operations
        self.source = source

    def operation(self, method: str, path: str) -> tuple[SpecOperation, re.Match[str]] | None:
        for op in self.operations:
            match = op.pattern.match(path) if op.method == method.upper() else None
            if match:
                return op, match
        return None

    def problems(self, method: str, path: str, body: str | None) -> list[str]:
        found = self.operation(method, path)
        if found is None:
            return []
        op, match = found
        lines = []
        for name, validate in op.path_params:
            lines += validate(unquote(match.group(name)))
        if not (body or "").strip():
            return lines + (["the request body is required but empty"] if op.body_required else [])
        if op.body is None:
            return lines
        try:
            data = json.loads(body or "")
        except json.JSONDecodeError as error:
            return [*lines, f"body: not JSON ({error.msg} at position {error.pos})"]
        return lines + op.body(data)


def _validator(schema: Any, components: Components, root: str) -> Validate:
    from openapi_schema_validator import OAS30WriteValidator, oas30_format_checker

    checker = OAS30WriteValidator(
        {**schema, "components": components.oas}, format_checker=oas30_format_checker
    )
    quick = _quick({**_nullable(schema), "components": components.plain})

    def validate(value: Any) -> list[str]:
        if quick is not None and quick(value):
            return []  # the common case, in a microsecond; a refusal gets the full messages
        errors = sorted(checker.iter_errors(value), key=lambda e: list(e.absolute_path))
        return [_where(root, e.absolute_path, e.message) for e in errors]

    return validate


@dataclass(frozen=True)
class Components:
    """A spec's components as written (OpenAPI 3.0) and as plain JSON Schema (nullable spelled
    as a "null" type) for the fast validator."""

    oas: dict[str, Any]
    plain: dict[str, Any]


def _nullable(node: Any) -> Any:
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def _quick(document: dict[str, Any]) -> Callable[[Any], bool] | None:
    """jsonschema-rs's is_valid when installed (requirements-dev.txt), else None."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    try:
        return jsonschema_rs.Draft4Validator(document, validate_formats=True).is_valid
    except (ValueError, jsonschema_rs.ValidationError):
        return None


def _where(root: str, path: Any, message: str) -> str:
    return f"{'.'.join([root, *map(str, path)])}: {message}"


def _resolve(node: Any, spec: dict[str, Any]) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _operations(name: str, spec: dict[str, Any]) -> list[SpecOperation]:
    components = Components(spec.get("components", {}), _nullable(spec.get("components", {})))
    found = []
    for template, item in spec.get("paths", {}).items():
        if template.startswith("/merchant"):
            continue  # served by the merchant (Express callback), never sent to the API
        regex = re.sub(
            r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(SPEC_PREFIX[name] + template)
        )
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            params = [_resolve(p, spec) for p in shared + operation.get("parameters", [])]
            path_params = tuple(
                (p["name"], _validator(p["schema"], components, f"path {p['name']}"))
                for p in params
                if p.get("in") == "path" and "schema" in p
            )
            body = _resolve(operation.get("requestBody"), spec) or {}
            content = {k.split(";")[0].strip(): v for k, v in body.get("content", {}).items()}
            schema = content.get("application/json", {}).get("schema")
            found.append(
                SpecOperation(
                    method.upper(),
                    re.compile(regex + "$"),
                    operation.get("operationId") or f"{method.upper()} {template}",
                    _validator(schema, components, "body") if schema else None,
                    bool(body.get("required")),
                    path_params,
                )
            )
    return found


def load_spec_check(directory: Path | None = None) -> SpecCheck:
    """The validator for the specs in `directory` (default: specs_dir()), built once per folder."""
    return _load(directory or specs_dir())


@cache
def _load(directory: Path) -> SpecCheck:
    try:
        import openapi_schema_validator  # noqa: F401
        import yaml  # type: ignore[import-untyped]
    except ImportError as error:
        raise SpecUnavailable(
            f"{error.name} is not installed (pip install -r requirements-dev.txt)"
        ) from error
    if not (directory / "epayment.yaml").is_file():
        raise SpecUnavailable(f"the official specs are not in {directory}; set {SPECS_ENV}")
    operations = []
    for name in SPEC_PREFIX:
        if (directory / name).is_file():
            spec = yaml.safe_load((directory / name).read_text(encoding="utf-8"))
            spec = copy.deepcopy(spec)
            schemas = spec.get("components", {}).get("schemas", {})
            for schema, prop in CUSTOMER_BRANCHES.items():
                if schema in schemas:
                    schemas[schema]["required"] = [prop]
            operations += _operations(name, spec)
    return SpecCheck(operations, str(directory))
