"""A Payment as the wire shows it: GET payment, modification responses and the control plane."""

from __future__ import annotations

from typing import Any

from simulator.clock import iso
from simulator.payments import Payment


def aggregate(p: Payment) -> dict[str, Any]:
    return {
        "authorizedAmount": p.money(p.authorized),
        "cancelledAmount": p.money(p.cancelled),
        "capturedAmount": p.money(p.captured),
        "refundedAmount": p.money(p.refunded),
    }


def get_payment_json(p: Payment) -> dict[str, Any]:
    """GetPaymentResponse (spec 1.8.1)."""
    method: dict[str, Any] = {"type": p.payment_method_type}
    if p.card_bin:
        method["cardBin"] = p.card_bin
    body: dict[str, Any] = {
        "aggregate": aggregate(p),
        "amount": p.money(p.value),
        "state": p.state,
        "paymentMethod": method,
        "profile": {"sub": p.sub} if p.sub and p.state == "AUTHORIZED" else {},
        "pspReference": p.psp_reference,
        "reference": p.reference,
    }
    if p.redirect_url:
        body["redirectUrl"] = p.redirect_url
    if p.metadata is not None:
        body["metadata"] = p.metadata
    return body


def modification_json(p: Payment) -> dict[str, Any]:
    """ModificationResponse of cancel/capture/refund (pspReference is the CREATED one)."""
    return {
        "amount": p.money(p.value),
        "state": p.state,
        "aggregate": aggregate(p),
        "pspReference": p.psp_reference,
        "reference": p.reference,
    }


def control_json(p: Payment, base_url: str = "") -> dict[str, Any]:
    """The control plane's summary: what a tester needs to see and act on, no secrets.
    `landingUrl` opens the simulated app for every flow, PUSH_MESSAGE included."""
    return {
        "landingUrl": f"{base_url}/landing?token={p.landing_token}",
        "merchantSerialNumber": p.msn,
        "reference": p.reference,
        "state": p.state,
        "userFlow": p.user_flow,
        "amount": p.money(p.value),
        "aggregate": aggregate(p),
        "paymentDescription": p.description,
        "pspReference": p.psp_reference,
        "redirectUrl": p.redirect_url,
        "returnUrl": p.return_url,
        "createdAt": iso(p.created_at),
        "expiresAt": iso(p.expires_at),
        "events": len(p.events),
    }
