"""The quick start as plain step logic for the dashboard: form checks, amounts, progress (no UI)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lib.epayment.money import to_minor

FINAL_STATES = frozenset({"AUTHORIZED", "ABORTED", "EXPIRED", "TERMINATED"})
CURRENCIES = ("NOK", "DKK", "EUR")
USER_FLOWS = ("WEB_REDIRECT", "NATIVE_REDIRECT", "PUSH_MESSAGE", "QR")
MIN_MINOR = {"NOK": 100, "DKK": 1, "EUR": 1}
MAX_MINOR = 65_000_000
# The client stays within both spec versions: 1.4.1 allows 8-50 characters, 1.8.1 allows 8-64.
REFERENCE_RE = re.compile(r"^[a-zA-Z0-9-]{8,50}$")
PHONE_RE = re.compile(r"^\d{9,15}$")
URL_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    path: str
    icon: str
    what: str  # two lines: what the step does in the real integration


STEPS: tuple[Step, ...] = (
    Step(
        "setup",
        "Setup",
        "pages/01_setup.py",
        ":material/settings:",
        "Pick the environment and the sales unit's API keys. Every call carries the keys and the "
        "Merchant-Serial-Number (MSN) of one sales unit.",
    ),
    Step(
        "token",
        "Access token",
        "pages/02_access_token.py",
        ":material/key:",
        "Your server trades the client id and secret for a Bearer token (1 hour in test, 24 h in "
        "production) and reuses it on every ePayment call until it expires.",
    ),
    Step(
        "create",
        "Create payment",
        "pages/03_create_payment.py",
        ":material/add_card:",
        "Your server asks for a payment with an amount and a unique reference; the answer holds "
        "the redirectUrl where the customer approves it.",
    ),
    Step(
        "complete",
        "Complete payment",
        "pages/04_complete_payment.py",
        ":material/qr_code_2:",
        "The customer opens the redirectUrl (link or QR code) and approves or rejects in the app. "
        "Your server is not told directly: it polls or gets a webhook.",
    ),
    Step(
        "status",
        "Payment status",
        "pages/05_payment_status.py",
        ":material/monitoring:",
        "Your server polls GET /payments/{reference} every few seconds until the state is final, "
        "and reads the event log for what happened.",
    ),
    Step(
        "capture",
        "Capture",
        "pages/06_capture.py",
        ":material/payments:",
        "When the goods ship, your server captures the reserved money, all at once or in parts "
        "up to the authorized amount.",
    ),
    Step(
        "refund",
        "Refund",
        "pages/07_refund.py",
        ":material/undo:",
        "Your server gives money back to the customer, in full or in parts, up to what was "
        "captured.",
    ),
    Step(
        "cancel",
        "Cancel",
        "pages/08_cancel.py",
        ":material/cancel:",
        "Your server releases whatever is still reserved and not captured; before approval it "
        "ends the payment as TERMINATED.",
    ),
)
STEP_BY_KEY: dict[str, Step] = {s.key: s for s in STEPS}


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


def format_minor(value: int | None, currency: str = "NOK") -> str:
    """1050 -> 'NOK 10.50'."""
    return f"{currency} {(value or 0) / 100:,.2f}"


def check_create(form: CreateForm) -> CreateCheck:
    """Check the create form the way the API would, with one plain message per field."""
    check = CreateCheck()
    errors = check.errors
    minor = None
    try:
        minor = to_minor(form.amount.strip() or "0")
    except (TypeError, ValueError) as err:
        errors["amount"] = f"Amount: {err}"
    if minor is not None:
        low = MIN_MINOR.get(form.currency, 1)
        if minor < low:
            errors["amount"] = f"Amount: at least {format_minor(low, form.currency)}."
        elif minor > MAX_MINOR:
            errors["amount"] = f"Amount: at most {format_minor(MAX_MINOR, form.currency)}."
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
    if form.user_flow in ("WEB_REDIRECT", "NATIVE_REDIRECT") and not form.return_url:
        errors["return_url"] = "Return URL: needed so the customer comes back to your shop."
    elif form.return_url and not URL_RE.match(form.return_url):
        errors["return_url"] = "Return URL: a full address such as https://example.com/return."
    elif form.return_url.startswith("http://"):
        errors["return_url"] = "Return URL: use https:// (or an app scheme such as myshop://)."
    if not 3 <= len(form.description) <= 100:
        errors["description"] = "Description: 3 to 100 characters, shown to the customer."
    check.kwargs = create_kwargs(form, minor, phone)
    return check


REFERENCE_CHAR_RE = re.compile(r"[a-zA-Z0-9-]")
CHAR_NAMES = {" ": "space", "\t": "tab"}


def reference_problem(reference: str) -> str:
    """Name what is wrong with a reference: the characters not allowed, or the length."""
    said = []
    bad = dict.fromkeys(c for c in reference if not REFERENCE_CHAR_RE.fullmatch(c))
    if bad:
        shown = ", ".join(CHAR_NAMES.get(c, f"'{c}'") for c in bad)
        said.append(f"not allowed: {shown} (only letters A-Z and a-z, digits and '-')")
    if not 8 <= len(reference) <= 50:
        said.append(f"8 to 50 characters, got {len(reference)}")
    return f"Reference: {'; '.join(said)}."


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


def problem_field_errors(problem: Mapping[str, Any] | None) -> dict[str, str]:
    """Map a Problem's extraDetails naming a field (schema errors) to our form fields."""
    names = {
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
    out: dict[str, str] = {}
    for item in (problem or {}).get("extraDetails") or []:
        name = str(item.get("name", "")).lower()
        if name in names:
            out[names[name]] = f"The API says: {item.get('reason', '')}"
    return out


def amount_of(aggregate: Mapping[str, Any] | None, name: str) -> int:
    """aggregate['capturedAmount']['value'] with zero for anything missing."""
    part = (aggregate or {}).get(name) or {}
    return int(part.get("value") or 0)


def remaining_capturable(aggregate: Mapping[str, Any] | None) -> int:
    """A - C - X: what can still be captured."""
    return max(
        0,
        amount_of(aggregate, "authorizedAmount")
        - amount_of(aggregate, "capturedAmount")
        - amount_of(aggregate, "cancelledAmount"),
    )


def refundable(aggregate: Mapping[str, Any] | None) -> int:
    """C - R: what can still be refunded."""
    return max(0, amount_of(aggregate, "capturedAmount") - amount_of(aggregate, "refundedAmount"))


def nothing_left(
    step: str, aggregate: Mapping[str, Any] | None, currency: str = "NOK"
) -> str | None:
    """Why capture or refund has nothing to send (with the amounts), or None when it has.

    Sending `value: 0` only earns a 400 from the API, so the page says this instead.
    """

    def money(name: str) -> str:
        return format_minor(amount_of(aggregate, name), currency)

    if step == "capture" and not remaining_capturable(aggregate):
        return (
            f"Nothing left to capture: authorized {money('authorizedAmount')}, captured "
            f"{money('capturedAmount')}, cancelled {money('cancelledAmount')}."
        )
    if step == "refund" and not refundable(aggregate):
        return (
            f"Nothing left to refund: captured {money('capturedAmount')}, refunded "
            f"{money('refundedAmount')}."
        )
    return None


# What a final state means for the customer's side, and how loud to say it (success/warning/info).
FINAL_OUTCOMES: dict[str, tuple[str, str]] = {
    "AUTHORIZED": ("success", "the customer approved: the money is reserved, ready to capture."),
    "ABORTED": ("warning", "the customer rejected it: nothing is reserved."),
    "EXPIRED": ("warning", "nobody approved it in time: nothing is reserved."),
    "TERMINATED": ("info", "the merchant cancelled it before the customer approved."),
}


def final_outcome(state: str | None) -> tuple[str, str] | None:
    """('warning', 'The payment is EXPIRED: nobody approved it in time…'), None if not final."""
    if state not in FINAL_OUTCOMES:
        return None
    kind, meaning = FINAL_OUTCOMES[state]
    return kind, f"The payment is {state}: {meaning}"


def cancel_outlook(
    state: str | None, aggregate: Mapping[str, Any] | None, currency: str = "NOK"
) -> tuple[str, bool]:
    """What cancelling would do in this state, and whether the API would accept it.

    ABORTED and EXPIRED never reserved anything; TERMINATED is cancelled already (a second cancel
    is refused). Only CREATED and AUTHORIZED can be cancelled.
    """
    left = remaining_capturable(aggregate)
    if state == "CREATED":
        return "Not approved yet: cancelling ends the payment as **TERMINATED**.", True
    if state == "ABORTED":
        return "The customer rejected this payment: nothing was ever reserved to release.", False
    if state == "EXPIRED":
        return "Nobody approved this payment in time: nothing was ever reserved to release.", False
    if state == "TERMINATED":
        return "Already cancelled (TERMINATED): there is nothing more to release.", False
    if state == "AUTHORIZED" and not left:
        return "Nothing left to release: everything is captured or cancelled.", True
    return (
        f"Cancelling releases everything not captured: **{format_minor(left, currency)}**"
        " (always the whole remainder, never a chosen amount).",
        True,
    )


def is_final(state: str | None) -> bool:
    return state in FINAL_STATES


def steps_done(
    marks: set[str],
    payment: Mapping[str, Any] | None,
    *,
    settings_ok: bool = False,
    token_ok: bool = False,
) -> set[str]:
    """Steps done: explicit marks plus what the session shows.

    Setup counts when complete settings are active, the token when one was issued with them,
    also implicitly by a later call (a walk that skipped the buttons still did both steps).
    """
    done = set(marks)
    if settings_ok:
        done.add("setup")
    if token_ok:
        done.add("token")
    if payment:
        done.add("create")
        aggregate = payment.get("aggregate")
        if payment.get("state") not in (None, "CREATED"):
            done.update({"complete", "status"})
        if amount_of(aggregate, "capturedAmount"):
            done.add("capture")
        if amount_of(aggregate, "refundedAmount"):
            done.add("refund")
        if amount_of(aggregate, "cancelledAmount") or payment.get("state") == "TERMINATED":
            done.add("cancel")
    return done


def missing_step(key: str, reference: str | None, payment: Mapping[str, Any] | None) -> Step | None:
    """The earlier step this one needs first, or None when it can run."""
    if key in ("setup", "token", "create"):
        return None
    if not reference:
        return STEP_BY_KEY["create"]
    state = (payment or {}).get("state")
    if key == "capture" and state != "AUTHORIZED":
        return STEP_BY_KEY["complete"]
    if key == "refund" and not amount_of((payment or {}).get("aggregate"), "capturedAmount"):
        return STEP_BY_KEY["capture"]
    return None
