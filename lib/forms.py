"""The dashboard's forms checked the way the API would: the create form and the setup keys form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lib.epayment.models import Money
from lib.epayment.money import to_minor
from lib.settings import Settings, SettingsError

CURRENCIES = ("NOK", "DKK", "EUR")
USER_FLOWS = ("WEB_REDIRECT", "NATIVE_REDIRECT", "PUSH_MESSAGE", "QR")
MIN_MINOR = {"NOK": 100, "DKK": 1, "EUR": 1}
MAX_MINOR = 65_000_000
# The ePayment spec in force (1.8.1) allows 8-64 characters; 1.4.1 allowed 50, and the API
# itself has taken 64 since, so the form follows the spec the simulator and checklist use.
REFERENCE_MIN, REFERENCE_MAX = 8, 64
REFERENCE_RE = re.compile(rf"^[a-zA-Z0-9-]{{{REFERENCE_MIN},{REFERENCE_MAX}}}$")
REFERENCE_HELP = (
    f"{REFERENCE_MIN} to {REFERENCE_MAX} letters, digits and '-', unique per sales unit "
    "(ePayment API 1.8.1; versions before 1.5 allowed 50). Prefer an order id that is not "
    "purely numeric and has no leading zero."
)
REFERENCE_CHAR_RE = re.compile(r"[a-zA-Z0-9-]")
CHAR_NAMES = {" ": "space", "\t": "tab"}
PHONE_RE = re.compile(r"^\d{9,15}$")
URL_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")


@dataclass
class CreateForm:
    amount: str = "10.00"  # kroner, as typed
    currency: str = "NOK"
    phone_number: str = ""
    reference: str = ""
    return_url: str = "https://example.com/return"
    user_flow: str = "WEB_REDIRECT"
    description: str = "ePayment Lab quick start"


@dataclass
class CreateCheck:
    errors: dict[str, str] = field(default_factory=dict)  # form field -> what to fix
    kwargs: dict[str, Any] = field(default_factory=dict)  # EPaymentClient.create_payment arguments

    @property
    def ok(self) -> bool:
        return not self.errors


def check_create(form: CreateForm) -> CreateCheck:
    """Check the create form the way the API would, with one plain message per field."""
    errors: dict[str, str] = {}
    minor = _check_amount(form, errors)
    if form.currency not in CURRENCIES:
        errors["currency"] = f"Currency: one of {', '.join(CURRENCIES)}."
    if not REFERENCE_RE.match(form.reference):
        errors["reference"] = reference_problem(form.reference)
    phone = form.phone_number.replace(" ", "").lstrip("+")
    if phone and not PHONE_RE.match(phone):
        errors["phone_number"] = "Phone number: 9 to 15 digits with country code, e.g. 4712345678."
    if form.user_flow == "PUSH_MESSAGE" and not phone:
        errors["phone_number"] = "Phone number: needed for PUSH_MESSAGE (the app is pushed to it)."
    if form.user_flow not in USER_FLOWS:
        errors["user_flow"] = f"User flow: one of {', '.join(USER_FLOWS)}."
    if problem := _return_url_problem(form):
        errors["return_url"] = problem
    if not 3 <= len(form.description) <= 100:
        errors["description"] = "Description: 3 to 100 characters, shown to the customer."
    return CreateCheck(errors, create_kwargs(form, minor, phone))


def _check_amount(form: CreateForm, errors: dict[str, str]) -> int | None:
    try:
        minor = to_minor(form.amount.strip() or "0")
    except (TypeError, ValueError) as err:
        errors["amount"] = f"Amount: {err}"
        return None
    low = MIN_MINOR.get(form.currency, 1)
    if minor < low:
        errors["amount"] = f"Amount: at least {Money(low, form.currency)}."
    elif minor > MAX_MINOR:
        errors["amount"] = f"Amount: at most {Money(MAX_MINOR, form.currency)}."
    return minor


def _return_url_problem(form: CreateForm) -> str | None:
    if form.user_flow in ("WEB_REDIRECT", "NATIVE_REDIRECT") and not form.return_url:
        return "Return URL: needed so the customer comes back to your shop."
    if form.return_url and not URL_RE.match(form.return_url):
        return "Return URL: a full address such as https://example.com/return."
    if form.return_url.startswith("http://"):
        return "Return URL: use https:// (or an app scheme such as myshop://)."
    return None


def reference_problem(reference: str) -> str:
    """Name what is wrong with a reference: the characters not allowed, or the length."""
    said = []
    bad = dict.fromkeys(c for c in reference if not REFERENCE_CHAR_RE.fullmatch(c))
    if bad:
        shown = ", ".join(CHAR_NAMES.get(c, f"'{c}'") for c in bad)
        said.append(f"not allowed: {shown} (only letters A-Z and a-z, digits and '-')")
    if not REFERENCE_MIN <= len(reference) <= REFERENCE_MAX:
        said.append(f"{REFERENCE_MIN} to {REFERENCE_MAX} characters, got {len(reference)}")
    return f"Reference: {'; '.join(said)}."


def amount_problem(amount: Money, left: Money, verb: str) -> str | None:
    """Why an amount to capture or refund would be refused, checked before anything is sent."""
    if amount.value < 0:
        undo = " To give money back, refund it." if verb == "capture" else ""
        return f"Amount: {amount} is negative; {verb} a positive amount.{undo}"
    if amount.value == 0:
        return f"Amount: more than {Money(0, amount.currency)} (the API refuses 0)."
    if amount.value > left.value:
        return f"Amount: {amount} is more than the {left} left to {verb}."
    return None


def reused_reference_message(reference: str) -> str:
    """Why the create form refuses a reference this session already created a payment with."""
    return (
        f"Reference: {reference} was already sent from this form; the API would answer 409 "
        '"Reference exists". The field now holds a new one (tick Send even if the check '
        "fails to see the refusal)."
    )


def create_kwargs(form: CreateForm, minor: int | None, phone: str) -> dict[str, Any]:
    """The create_payment arguments as the form says, also when the check failed (send anyway)."""
    kwargs: dict[str, Any] = {
        "amount": minor if minor is not None else 0,
        "currency": form.currency,
        "user_flow": form.user_flow,
        "reference": form.reference,
        "description": form.description,
    }
    if form.return_url:
        kwargs["return_url"] = form.return_url
    if phone:
        kwargs["phone_number"] = phone
    return kwargs


# A Problem's extraDetails name fields the API's way; the form has its own names.
PROBLEM_FIELDS = {
    "reference": "reference",
    "amount": "amount",
    "amount.value": "amount",
    "amount.currency": "currency",
    "currency": "currency",
    "returnurl": "return_url",
    "userflow": "user_flow",
    "paymentdescription": "description",
    "customer.phonenumber": "phone_number",
    "phonenumber": "phone_number",
}


def problem_field_errors(problem: Mapping[str, Any] | None) -> dict[str, str]:
    """Map a Problem's extraDetails naming a field (schema errors) to our form fields."""
    out: dict[str, str] = {}
    for item in (problem or {}).get("extraDetails") or []:
        name = str(item.get("name", "")).lower()
        if name in PROBLEM_FIELDS:
            out[PROBLEM_FIELDS[name]] = f"The API says: {item.get('reason', '')}"
    return out


KEY_FIELDS = ("client_id", "client_secret", "subscription_key", "merchant_serial_number")
FORM_LABELS = {
    "base_url": "Base URL",
    "client_id": "client_id",
    "client_secret": "client_secret",
    "subscription_key": "Ocp-Apim-Subscription-Key",
    "merchant_serial_number": "Merchant-Serial-Number (MSN)",
}


def settings_from_form(current: Settings, target: str, **keys: str) -> Settings:
    """Settings for `target` from the setup form; an empty secret keeps the current one.

    Raises SettingsError listing every missing or malformed value, in the form's own words.
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


def _relabel(problem: str) -> str:
    """'base_url '' is not an http(s) URL' -> 'Base URL: '' is not an http(s) URL'."""
    for name, label in FORM_LABELS.items():
        if problem.startswith(f"{name} "):
            return f"{label}: {problem[len(name) + 1 :]}"
    return problem
