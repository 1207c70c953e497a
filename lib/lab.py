"""Plain helpers for the dashboard pages: setup form, token view, log filters, simulator actions."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from lib.exchange import Exchange
from lib.flow import format_minor
from lib.settings import Settings, SettingsError

# "Capture amount 5000", "the capturable amount 1000", "amount is 100": minor units (øre/cents).
MINOR_AMOUNT_RE = re.compile(r"\b(amount(?: is| of)?\s+)(\d+)\b(?!\s*\()", re.IGNORECASE)


def mask(secret: str | None, keep: int = 4) -> str:
    """'eyJ0eXAiOiJKV1Qi...' -> 'eyJ0…(1043 chars)'; never more than `keep` characters shown."""
    if not secret:
        return "(not set)"
    if len(secret) <= keep * 2:
        return "•" * len(secret)
    return f"{secret[:keep]}…•••• ({len(secret)} chars)"


def settings_from_form(current: Settings, target: str, **keys: str) -> Settings:
    """Settings for `target` from the setup form; an empty secret keeps the current one.

    Raises SettingsError listing every missing or malformed value.
    """
    values = {k: v.strip() for k, v in keys.items() if v is not None}
    for secret in ("client_secret", "subscription_key"):
        if not values.get(secret) and current.target == target:
            values[secret] = getattr(current, secret)
    if target == "simulator":
        values["base_url"] = current.base_url  # the running simulator's, not editable
    elif target != "custom":
        values.pop("base_url", None)
    keep = {k: getattr(current, k) for k in ("system_name", "system_version")}
    needed = [*(["base_url"] if target == "custom" else []), *KEY_FIELDS]
    missing = [FORM_LABELS[n] for n in needed if not values.get(n)]
    # The page's own field labels: env-var and secrets.toml names mean nothing on this form.
    problems = [f"Fill in {', '.join(missing)}."] if missing else []
    try:
        settings = Settings.load({}, {}, target=target, **keep, **values)
    except SettingsError as err:
        problems += [_relabel(p) for p in err.problems if not p.startswith("missing ")]
        raise SettingsError(problems) from None
    if problems:  # Settings refuses missing keys itself; this keeps the form's word if not
        raise SettingsError(problems)
    return settings


KEY_FIELDS = ("client_id", "client_secret", "subscription_key", "merchant_serial_number")
FORM_LABELS = {
    "base_url": "Base URL",
    "client_id": "client_id",
    "client_secret": "client_secret",
    "subscription_key": "Ocp-Apim-Subscription-Key",
    "merchant_serial_number": "Merchant-Serial-Number (MSN)",
}


def _relabel(problem: str) -> str:
    """'base_url '' is not an http(s) URL' -> 'Base URL: '' is not an http(s) URL'."""
    for name, label in FORM_LABELS.items():
        if problem.startswith(f"{name} "):
            return f"{label}: {problem[len(name) + 1 :]}"
    return problem


def no_response_message(url: str, error: str | None, *, idempotent: bool = False) -> str:
    """A missing response in plain words; the raw connection error belongs in a detail view."""
    where = urlsplit(url).netloc or url
    if "ReadTimeout" in (error or ""):
        said = f"{where} accepted the connection but did not answer in time."
    else:
        said = f"Could not connect to {where} — is the server running and the URL right?"
    if idempotent:  # only a write carries an Idempotency-Key worth reusing
        said += " Retrying with the same Idempotency-Key is safe."
    return said


def in_kroner(text: str, currency: str = "NOK") -> str:
    """'... amount 5000 is higher than ... amount 1000' -> '... amount 5000 (NOK 50.00) ...'.

    The API speaks in minor units; a reader thinks in kroner. The Problem itself stays unchanged.
    """
    return MINOR_AMOUNT_RE.sub(
        lambda m: f"{m.group(1)}{m.group(2)} ({format_minor(int(m.group(2)), currency)})", text
    )


def currency_of(exchange: Exchange | None, default: str = "NOK") -> str:
    """The currency the request named (amount or modificationAmount), else `default`."""
    try:
        body = json.loads(exchange.request_body or "") if exchange is not None else None
    except ValueError:
        body = None
    if isinstance(body, dict):
        for name in ("modificationAmount", "amount"):
            part = body.get(name)
            if isinstance(part, dict) and isinstance(part.get("currency"), str):
                return part["currency"]
    return default


def token_info(body: Mapping[str, Any] | None, now: float) -> dict[str, Any]:
    """What the token page shows: masked token, type, and when it expires (epoch seconds)."""
    body = body or {}
    try:
        expires_in = int(str(body.get("expires_in") or 0))
    except ValueError:
        expires_in = 0
    return {
        "masked": mask(str(body.get("access_token") or "")),
        "token_type": body.get("token_type", "Bearer"),
        "expires_in": expires_in,
        "expires_at": now + expires_in,
    }


def countdown(seconds_left: float) -> str:
    """3725 -> '1:02:05', 59 -> '0:59', negative -> 'expired'."""
    if seconds_left <= 0:
        return "expired"
    minutes, seconds = divmod(int(seconds_left), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


STATUS_CLASSES = ("2xx", "4xx", "5xx", "no response")


def status_class(status: Any) -> str:
    try:
        return f"{int(status) // 100}xx"
    except (TypeError, ValueError):  # None, pandas' NA, NaN: no response arrived
        return "no response"


def filter_log(
    frame: Any,
    steps: list[str] | None = None,
    statuses: list[str] | None = None,
    reference: str | None = None,
) -> Any:
    """The evidence table filtered by step, status class (2xx/4xx/5xx/no response) and reference."""
    view = frame
    if steps:
        view = view[view["step"].isin(steps)]
    if statuses:
        view = view[view["status"].map(status_class).isin(statuses)]
    if reference:
        view = view[view["reference"].fillna("").str.contains(reference, regex=False)]
    return view


def simulator_act(base_url: str, msn: str, reference: str, action: str) -> str | None:
    """Act as the user on the simulator's control plane; None when done, else what went wrong."""
    url = f"{base_url}/_sim/payments/{msn}/{reference}/{action}"
    try:
        response = requests.post(url, timeout=10)
    except requests.RequestException as err:
        return f"The simulator did not answer ({type(err).__name__})."
    if response.ok:
        return None
    try:
        body = response.json()
        text = body.get("detail") or body.get("title") or response.text
    except ValueError:
        text = response.text
    return f"The simulator refused to {action} ({response.status_code}): {text}"


def create_body(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The create request body for EPaymentClient.create_payment arguments (for the preview)."""
    body: dict[str, Any] = {
        "amount": {"currency": kwargs.get("currency", "NOK"), "value": kwargs.get("amount", 0)},
        "paymentMethod": {"type": "WALLET"},
    }
    if kwargs.get("phone_number"):
        body["customer"] = {"phoneNumber": kwargs["phone_number"]}
    body["reference"] = kwargs.get("reference", "<reference>")
    if kwargs.get("return_url"):
        body["returnUrl"] = kwargs["return_url"]
    body["userFlow"] = kwargs.get("user_flow", "WEB_REDIRECT")
    body["paymentDescription"] = kwargs.get("description", "")
    return body


def example_call(
    step: str,
    base_url: str,
    msn: str,
    reference: str | None,
    body: Mapping[str, Any] | None = None,
) -> Exchange | None:
    """The call a step makes, with placeholders for secrets, to show before anything was sent.

    `body` replaces the quick start's example body, so the preview follows the form as edited.
    """
    ref = reference or "<reference>"
    if step in ("setup", "token"):
        headers = {"client_id": "<client_id>", "client_secret": "<client_secret>"}
        headers.update({"Ocp-Apim-Subscription-Key": "<key>", "Merchant-Serial-Number": msn})
        url = f"{base_url}/accesstoken/get"
        return Exchange("POST", url, "access_token", request_headers=headers)
    payments = f"{base_url}/epayment/v1/payments"
    amount = {"currency": "NOK", "value": 1000}
    calls: dict[str, tuple[str, str, Any]] = {
        "create": ("POST", payments, {
            "amount": amount, "paymentMethod": {"type": "WALLET"},
            "customer": {"phoneNumber": "4712345678"}, "reference": ref,
            "returnUrl": "https://example.com/return", "userFlow": "WEB_REDIRECT",
            "paymentDescription": "ePayment Lab quick start",
        }),
        "complete": ("POST", f"{base_url}/epayment/v1/test/payments/{ref}/approve",
                     {"customer": {"phoneNumber": "4712345678"}}),
        "status": ("GET", f"{payments}/{ref}", None),
        "capture": ("POST", f"{payments}/{ref}/capture", {"modificationAmount": amount}),
        "refund": ("POST", f"{payments}/{ref}/refund", {"modificationAmount": amount}),
        "cancel": ("POST", f"{payments}/{ref}/cancel", None),
    }  # fmt: skip
    if step not in calls:
        return None
    method, url, example = calls[step]
    body = example if body is None else body
    headers = {"Authorization": "Bearer <access_token>", "Ocp-Apim-Subscription-Key": "<key>"}
    headers["Merchant-Serial-Number"] = msn
    if method == "POST":
        headers["Content-Type"] = "application/json"
        if step != "complete":
            headers["Idempotency-Key"] = "<a new UUID per operation>"
    text = json.dumps(body, indent=2) if body is not None else None
    return Exchange(method, url, step, request_headers=headers, request_body=text)
