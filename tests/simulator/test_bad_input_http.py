"""Bad input everywhere: malformed JSON, wrong types, huge bodies, wrong content type. Never 5xx."""

from __future__ import annotations

import pytest

from simulator import SimulatorServer
from tests.simulator.helpers import PAYMENTS, Api


def _write_paths(api: Api) -> list[str]:
    reference = api.authorized()
    return [
        PAYMENTS,
        f"{PAYMENTS}/{reference}/capture",
        f"{PAYMENTS}/{reference}/refund",
        f"{PAYMENTS}/{reference}/cancel",
        f"/epayment/v1/test/payments/{reference}/approve",
    ]


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"not json",
        b'{"amount": }',
        b"[" * 100_000,
        b"\xff\xfe\x00",
        b"NaN",
        b'"a string"',
        b"42",
    ],
    ids=["open-brace", "text", "half", "deep-nesting", "binary", "nan", "string", "number"],
)
def test_malformed_bodies_are_400(sim: SimulatorServer, raw: bytes) -> None:
    api = Api(sim)
    for path in _write_paths(api):
        response = api.call("POST", path, headers={"Content-Type": "application/json"}, data=raw)
        assert response.status_code == 400, (path, response.text)
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["extraDetails"][0]["name"] == "body"


def test_wrong_content_type_is_415(sim: SimulatorServer) -> None:
    api = Api(sim)
    for path in _write_paths(api):
        response = api.call("POST", path, headers={"Content-Type": "text/plain"}, data=b'{"a": 1}')
        assert response.status_code == 415, path


def test_huge_body_is_413(sim: SimulatorServer) -> None:
    api = Api(sim)
    huge = b'{"reference": "' + b"x" * 2_000_000 + b'"}'
    response = api.call("POST", PAYMENTS, headers={"Content-Type": "application/json"}, data=huge)
    assert response.status_code == 413
    assert response.json()["status"] == 413


@pytest.mark.parametrize(
    "body",
    [
        {"amount": {"value": {"nested": 1}, "currency": "NOK"}},
        {"amount": [], "reference": None},
        {"reference": ["a"], "userFlow": 5, "paymentMethod": "WALLET"},
        {"customer": "4712345678"},
        {"metadata": ["x"]},
        {"qrFormat": 7, "userFlow": "QR"},
        {"amount": {"value": 10**30, "currency": "NOK"}},
    ],
)
def test_wrong_types_are_400(sim: SimulatorServer, body: dict) -> None:
    api = Api(sim)
    full = {
        "amount": {"value": 1000, "currency": "NOK"},
        "paymentMethod": {"type": "WALLET"},
        "reference": "wrong-types-1",
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://example.com",
    }
    full.update(body)
    response = api.create(full)
    assert response.status_code == 400, response.text


def test_missing_body_on_capture_is_400(sim: SimulatorServer) -> None:
    api = Api(sim)
    reference = api.authorized()
    response = api.call("POST", f"{PAYMENTS}/{reference}/capture")
    assert response.status_code == 400
    assert response.json()["extraDetails"][0]["name"] == "body"


def test_odd_references_in_paths_are_404(sim: SimulatorServer) -> None:
    api = Api(sim)
    for reference in ("a", "x" * 300, "%20%20", "..%2F..", "ä-ö-å-12345"):
        assert api.get(reference).status_code == 404
