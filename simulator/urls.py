"""The route table: emulated APIs (by operationId), webhooks, landing page, QR, control plane."""

from __future__ import annotations

from dataclasses import dataclass

REF = "{reference}"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: str  # attribute name on the handler object of its group
    operation: str | None = None  # the operationId (snake_case) for faults and logs


API_ROUTES: tuple[Route, ...] = (
    Route("POST", "/accesstoken/get", "access_token", "access_token"),
    Route("POST", "/epayment/v1/payments", "create_payment", "create_payment"),
    Route("GET", f"/epayment/v1/payments/{REF}", "get_payment", "get_payment"),
    Route(
        "GET",
        f"/epayment/v1/payments/{REF}/events",
        "get_payment_event_log",
        "get_payment_event_log",
    ),
    Route("POST", f"/epayment/v1/payments/{REF}/cancel", "cancel_payment", "cancel_payment"),
    Route("POST", f"/epayment/v1/payments/{REF}/capture", "capture_payment", "capture_payment"),
    Route("POST", f"/epayment/v1/payments/{REF}/refund", "refund_payment", "refund_payment"),
    Route("POST", f"/epayment/v1/test/payments/{REF}/approve", "force_approve", "force_approve"),
)

WEBHOOK_ROUTES: tuple[Route, ...] = (
    Route("POST", "/webhooks/v1/webhooks", "register_webhook", "register_webhook"),
    Route("GET", "/webhooks/v1/webhooks", "list_webhooks", "list_webhooks"),
    Route("DELETE", "/webhooks/v1/webhooks/{id}", "delete_webhook", "delete_webhook"),
)

LANDING_ROUTES: tuple[Route, ...] = (
    Route("GET", "/landing", "show"),
    Route("POST", "/landing", "act"),
    Route("GET", "/qr", "qr_image"),
)

CONTROL_ROUTES: tuple[Route, ...] = (
    Route("GET", "/_sim/health", "health"),
    Route("GET", "/_sim/sales-units", "sales_units"),
    Route("GET", "/_sim/payments", "payments"),
    Route("GET", "/_sim/payments/{msn}/{reference}", "payment"),
    Route("POST", "/_sim/payments/{msn}/{reference}/{action:approve|reject|expire}", "user_action"),
    Route("POST", "/_sim/reset", "reset"),
    Route("POST", "/_sim/clock/advance", "advance_clock"),
    Route("GET", "/_sim/transitions", "transitions"),
    Route("POST", "/_sim/transitions", "transitions"),
    Route("GET", "/_sim/faults", "list_faults"),
    Route("POST", "/_sim/faults", "add_fault"),
    Route("DELETE", "/_sim/faults", "clear_faults"),
    Route("GET", "/_sim/adversity", "list_adversity"),
    Route("POST", "/_sim/adversity", "arm_adversity"),
    Route("DELETE", "/_sim/adversity", "clear_adversity"),
    Route("GET", "/_sim/webhooks", "webhook_deliveries"),
    Route("GET", "/_sim/webhooks/settings", "webhook_settings"),
    Route("POST", "/_sim/webhooks/settings", "webhook_settings"),
)
