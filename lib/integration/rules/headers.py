"""headers.msn, headers.subscription-key, headers.vipps-system: the headers every call needs."""

from __future__ import annotations

import re

from lib.integration.findings import Finding, Severity
from lib.integration.operations import API_OPERATIONS, EPAYMENT_OPERATIONS
from lib.integration.rules.base import finding, ops_of, plural
from lib.integration.traffic import Traffic

MSN = re.compile(r"^[0-9]{4,10}$")
SYSTEM_HEADERS = (
    "Vipps-System-Name",
    "Vipps-System-Version",
    "Vipps-System-Plugin-Name",
    "Vipps-System-Plugin-Version",
)
MAX_SYSTEM_HEADER = 30  # spec: maxLength 30 for each of the four


def msn(traffic: Traffic) -> list[Finding]:
    requests = traffic.of(*sorted(EPAYMENT_OPERATIONS))
    missing = [s for s in requests if not (s.msn or "").strip()]
    malformed = [s for s in requests if (s.msn or "").strip() and not MSN.match(s.msn or "")]
    found = []
    if missing:
        found.append(
            finding(
                "headers.msn",
                Severity.ERROR,
                f"{plural(len(missing), 'ePayment request')} ({ops_of(missing)}) had no "
                "Merchant-Serial-Number header. Send your sales unit's MSN on every ePayment call.",
                missing,
            )
        )
    if malformed:
        values = ", ".join(sorted({repr(s.msn) for s in malformed})[:3])
        found.append(
            finding(
                "headers.msn",
                Severity.ERROR,
                f"Merchant-Serial-Number {values} is not 4 to 10 digits "
                f"({plural(len(malformed), 'request')}). "
                "Send the MSN exactly as the portal shows it.",
                malformed,
            )
        )
    return found


def subscription_key(traffic: Traffic) -> list[Finding]:
    requests = traffic.of("access_token", *sorted(EPAYMENT_OPERATIONS))
    missing = [s for s in requests if not (s.header("Ocp-Apim-Subscription-Key") or "").strip()]
    if not missing:
        return []
    return [
        finding(
            "headers.subscription-key",
            Severity.ERROR,
            f"{plural(len(missing), 'request')} ({ops_of(missing)}) had no "
            "Ocp-Apim-Subscription-Key header. Send the sales unit's subscription key on the "
            "token call and on every ePayment call.",
            missing,
        )
    ]


def vipps_system(traffic: Traffic) -> list[Finding]:
    requests = traffic.of(*sorted(API_OPERATIONS))
    missing: dict[tuple[str, ...], list] = {}
    too_long = []
    for s in requests:
        absent = tuple(h for h in SYSTEM_HEADERS if not (s.header(h) or "").strip())
        if absent:
            missing.setdefault(absent, []).append(s)
        if any(len(s.header(h) or "") > MAX_SYSTEM_HEADER for h in SYSTEM_HEADERS):
            too_long.append(s)
    found = [
        finding(
            "headers.vipps-system",
            Severity.WARNING,
            f"{plural(len(seen), 'request')} ({ops_of(seen)}) had no {', '.join(absent)}. Send all "
            "four Vipps-System headers on every call (e.g. acme / 3.1.2 / acme-webshop / 4.5.6): "
            'mandatory for partners and plugins, and checklist item "Include HTTP headers".',
            seen,
        )
        for absent, seen in missing.items()
    ]
    if too_long:
        found.append(
            finding(
                "headers.vipps-system",
                Severity.ERROR,
                f"{plural(len(too_long), 'request')} had a Vipps-System header longer than "
                f"{MAX_SYSTEM_HEADER} characters. Shorten the values (one lowercase word is good).",
                too_long,
            )
        )
    return found
