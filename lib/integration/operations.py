"""Which API operation a path names (the spec's operationIds in snake_case), and its reference."""

from __future__ import annotations

import re
from urllib.parse import unquote

from lib.epayment.calls import EPAYMENT_OPERATIONS

_REF = r"(?P<reference>[^/]+)"
# Method, path pattern, operation: the same names lib/epayment and the simulator use.
_ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (method, re.compile(pattern + "$"), operation)
    for method, pattern, operation in (
        ("POST", r"/accesstoken/get", "access_token"),
        ("POST", r"/epayment/v1/payments", "create_payment"),
        ("GET", rf"/epayment/v1/payments/{_REF}", "get_payment"),
        ("GET", rf"/epayment/v1/payments/{_REF}/events", "get_payment_event_log"),
        ("POST", rf"/epayment/v1/payments/{_REF}/cancel", "cancel_payment"),
        ("POST", rf"/epayment/v1/payments/{_REF}/capture", "capture_payment"),
        ("POST", rf"/epayment/v1/payments/{_REF}/refund", "refund_payment"),
        ("POST", rf"/epayment/v1/test/payments/{_REF}/approve", "force_approve"),
        ("POST", r"/webhooks/v1/webhooks", "register_webhook"),
        ("GET", r"/webhooks/v1/webhooks", "list_webhooks"),
        ("DELETE", r"/webhooks/v1/webhooks/[^/]+", "delete_webhook"),
    )
)
UNKNOWN = "unknown"
WEBHOOK_API_OPERATIONS = frozenset({"register_webhook", "list_webhooks", "delete_webhook"})
API_OPERATIONS = EPAYMENT_OPERATIONS | WEBHOOK_API_OPERATIONS | {"access_token"}
MODIFICATIONS = frozenset({"cancel_payment", "capture_payment", "refund_payment"})
# What the lab itself adds to an integration run (not the system's own requests).
WEBHOOK_ATTEMPT = "webhook_attempt"  # the simulator's delivery to the system, as it saw it
WEBHOOK_PROBE = "webhook_probe"  # the lab's forged or unsigned delivery to the system
# The simulator's own pages and control plane: the lab's tools, never the API under test.
LAB_PREFIXES = ("/_sim/", "/landing", "/qr")


def operation_of(method: str, path: str) -> str:
    """`create_payment` for `POST /epayment/v1/payments`; "unknown" for anything else."""
    upper = method.upper()
    for route_method, pattern, operation in _ROUTES:
        if route_method == upper and pattern.match(path):
            return operation
    return UNKNOWN


def reference_of(path: str) -> str | None:
    """The payment reference a path names (percent-decoded), or None."""
    for _, pattern, _ in _ROUTES:
        match = pattern.match(path)
        if match and "reference" in match.groupdict():
            return unquote(match.group("reference"))
    return None


def is_lab_path(path: str) -> bool:
    return path.startswith(LAB_PREFIXES) or path == "/_sim"
