"""Where createPayment's redirectUrl points for each user flow (the landing page stands in)."""

from __future__ import annotations

from typing import Any


def redirect_url(
    user_flow: str, token: str, qr_format: dict[str, Any] | None, base_url: str
) -> str | None:
    """Landing page for WEB_REDIRECT and NATIVE_REDIRECT (the real one is an app URL), a QR
    image for QR (or the landing URL itself for TEXT/TARGETURL), none for PUSH_MESSAGE."""
    landing = f"{base_url}/landing?token={token}"
    if user_flow == "PUSH_MESSAGE":
        return None
    if user_flow == "QR":
        fmt = (qr_format or {}).get("format", "IMAGE/SVG+XML")
        qr = f"{base_url}/qr?token={token}"
        return landing if fmt == "TEXT/TARGETURL" else qr
    return landing
