"""Conscious in-memory adjustments of the official specs; the files themselves are never changed."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

# The one path of epayment.yaml that the merchant serves (Express callback), never the API.
MERCHANT_PATHS = ("/merchant-dynamic-shipping-callback",)
CUSTOMER_BRANCHES = {
    "CustomerPhoneNumber": "phoneNumber",
    "PersonalQrCode": "personalQr",
    "CustomerToken": "customerToken",
}


def load_adapted(directory: Path) -> dict[str, dict[str, Any]]:
    """The specs by file name, adapted; webhooks.yaml only when it is there."""
    specs = {
        "epayment.yaml": _adapt_epayment(_read(directory / "epayment.yaml")),
        # The token spec declares no error bodies at all; only its media types are normalised.
        "access-token.yaml": _bare_media_types(_read(directory / "access-token.yaml")),
    }
    if (directory / "webhooks.yaml").is_file():
        specs["webhooks.yaml"] = _adapt_webhooks(_read(directory / "webhooks.yaml"))
    return specs


def _read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def _default_error(data: dict[str, Any], response: dict[str, Any]) -> None:
    """Every operation gets `default: response`: unlisted error statuses meet the error schema."""
    for item in data["paths"].values():
        for method, operation in item.items():
            if method != "parameters":
                operation["responses"].setdefault("default", copy.deepcopy(response))


def _adapt_epayment(data: dict[str, Any]) -> dict[str, Any]:
    """Conscious, in-memory adjustments of epayment.yaml 1.8.1 (the file itself is never changed).

    1. `AdjustResponse` (the 200 of cancel/capture/refund) is declared `application/problem+json`,
       which looks like a spec bug; the simulator answers `application/json`. Both are accepted, and
       the body is validated against `ModificationResponse` either way.
    2. Error statuses the spec does not list for an operation (401, 404, 423, 429, 5xx) can only
       be checked against the `Problem` schema: each API operation gets `default: ProblemResponse`.
       Undeclared success statuses are reported separately (see `SpecValidator.validate_response`).
    3. The Express merchant callback path is dropped: the merchant serves it, not the API.
    4. `Customer` is a `oneOf` of three objects none of which requires its one property, so every
       customer (even the spec's own example) matches all three and fails `oneOf`. Each branch now
       requires its property, which is what the prose says ("specifying more than one ... error").
    (Media types lose their parameters in `_bare_media_types`, in every spec.)
    """
    data = _bare_media_types(copy.deepcopy(data))
    adjust = data["components"]["responses"]["AdjustResponse"]["content"]
    adjust.setdefault("application/json", copy.deepcopy(adjust["application/problem+json"]))
    for path in MERCHANT_PATHS:
        data["paths"].pop(path, None)
    schemas = data["components"]["schemas"]
    for name, prop in CUSTOMER_BRANCHES.items():
        schemas[name]["required"] = [prop]
    _default_error(data, {"$ref": "#/components/responses/ProblemResponse"})
    return data


def _bare_media_types(node: Any) -> Any:
    """Content keys without parameters, so `application/json;charset=UTF-8` (the token 200) matches
    any `application/json`: JSON is UTF-8 anyway, and servers spell the parameter differently."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key == "content" and isinstance(value, dict):
                node[key] = {k.split(";")[0].strip().lower(): v for k, v in value.items()}
            _bare_media_types(node[key])
    elif isinstance(node, list):
        for item in node:
            _bare_media_types(item)
    return node


def _adapt_webhooks(data: dict[str, Any]) -> dict[str, Any]:
    """webhooks.yaml lists only 400 (`ProblemDetails`) as an error: other error statuses (401, 403,
    404 for an unknown id, 429, 5xx) are checked against that same schema."""
    data = _bare_media_types(copy.deepcopy(data))
    problem = {"$ref": "#/components/schemas/ProblemDetails"}
    error = {"description": "Error", "content": {"application/problem+json": {"schema": problem}}}
    _default_error(data, error)
    return data
