"""The quick start's eight steps as data: key, title, page, icon and what each does for real."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    path: str
    icon: str
    what: str  # two lines: what the step does in the real integration

    @property
    def number(self) -> int:
        """1 for setup ... 8 for cancel: the number the navigation and the header show."""
        return [s.key for s in STEPS].index(self.key) + 1


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
STEP_KEYS: tuple[str, ...] = tuple(STEP_BY_KEY)


def step_after(key: str) -> Step | None:
    """The step that follows `key`, or None after the last one."""
    index = STEP_KEYS.index(key) + 1
    return STEPS[index] if index < len(STEPS) else None
