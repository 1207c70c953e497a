"""headers.msn, headers.subscription-key, headers.vipps-system."""

from __future__ import annotations

from lib.integration.findings import Severity
from lib.integration.rules import headers
from lib.integration.traffic import Traffic
from tests.integration.builders import FULL_HEADERS, exchange


def without(*names: str, **changed: str) -> dict[str, str]:
    kept = {k: v for k, v in FULL_HEADERS.items() if k not in names}
    return {**kept, **{k.replace("_", "-"): v for k, v in changed.items()}}


def test_msn__missing_and_malformed() -> None:
    log = [
        exchange("get_payment", headers=without("Merchant-Serial-Number")),
        exchange("get_payment", headers=without(Merchant_Serial_Number="12ab")),
        exchange("get_payment"),
        exchange("access_token", headers=without("Merchant-Serial-Number")),  # optional there
    ]
    found = headers.msn(Traffic(log))
    assert [f.exchange_ids for f in found] == [(log[0].id,), (log[1].id,)]
    assert all(f.severity is Severity.ERROR for f in found)
    assert "'12ab'" in found[1].message


def test_subscription_key__missing_on_token_call() -> None:
    log = [
        exchange("access_token", headers=without("Ocp-Apim-Subscription-Key")),
        exchange("create_payment", key="k"),
    ]
    found = headers.subscription_key(Traffic(log))
    assert [f.exchange_ids for f in found] == [(log[0].id,)]


def test_vipps_system__missing_is_a_warning_too_long_an_error() -> None:
    log = [
        exchange("create_payment", key="k", headers=without("Vipps-System-Plugin-Version")),
        exchange("get_payment", headers=without(Vipps_System_Name="x" * 31)),
    ]
    found = headers.vipps_system(Traffic(log))
    assert [(f.severity, f.exchange_ids) for f in found] == [
        (Severity.WARNING, (log[0].id,)),
        (Severity.ERROR, (log[1].id,)),
    ]
    assert "Vipps-System-Plugin-Version" in found[0].message


def test_headers__complete_requests_pass() -> None:
    log = [exchange("access_token"), exchange("create_payment", key="k"), exchange("get_payment")]
    traffic = Traffic(log)
    assert headers.msn(traffic) + headers.subscription_key(traffic) == []
    assert headers.vipps_system(traffic) == []
