"""The landing page that stands in for the Vipps MobilePay app, and the QR image of a QR payment."""

from __future__ import annotations

import html
import io
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from aiohttp import web

from simulator import exceptions as ex
from simulator.models import EPaymentBackend
from simulator.payments import Payment

STYLE = """
body{font-family:system-ui,sans-serif;background:#f4f1ff;margin:0;display:flex;justify-content:center}
main{background:#fff;margin:2rem;padding:2rem;border-radius:16px;max-width:24rem;width:100%;
box-shadow:0 4px 24px #0002}
h1{color:#ff5b24;font-size:1.2rem;margin:0 0 1rem}.amount{font-size:2rem;font-weight:700}
.muted{color:#666}
button{font-size:1rem;padding:.8rem 1.2rem;border-radius:8px;border:0;margin:.3rem}
#approve{background:#ff5b24;color:#fff}#reject{background:#eee}
"""
MESSAGES = {
    "AUTHORIZED": "The payment is approved.",
    "ABORTED": "The payment was cancelled by the user.",
    "EXPIRED": "This payment request has expired.",
    "TERMINATED": "The merchant cancelled this payment.",
}


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main><h1>ePayment Lab (simulated app)</h1>{body}</main></body></html>"
    )
    # backslashreplace: a lone surrogate stored by an in-process caller must not make this a 500
    raw = text.encode("utf-8", "backslashreplace")
    return web.Response(status=status, body=raw, content_type="text/html", charset="utf-8")


# Printable ASCII stays as sent ('%' too, so the merchant's own escapes are kept as they are).
URL_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))


def location(url: str) -> str:
    """A returnUrl as a Location header: non-ASCII (and anything unprintable) percent-encoded as
    UTF-8 (RFC 3987 §3.1), since a header carries ASCII only."""
    return quote(url, safe=URL_SAFE, errors="backslashreplace")


def format_amount(value: int, currency: str) -> str:
    return f"{value // 100},{value % 100:02d} {currency}"


def _summary(p: Payment) -> str:
    description = html.escape(p.description or "")
    return (
        f"<p class='muted' id='merchant'>{html.escape(p.merchant_name)}</p>"
        f"<p class='amount' id='amount'>{format_amount(p.value, p.currency)}</p>"
        f"<p id='description'>{description}</p>"
    )


class LandingPage:
    """GET shows the payment with Approve/Reject; POST acts and, for WEB_REDIRECT, sends the browser
    to returnUrl with 303. Unknown tokens get 404, handled or expired payments a clear page."""

    def __init__(self, backend: EPaymentBackend) -> None:
        self.backend = backend

    def _payment(self, request: web.Request) -> Payment | None:
        return self.backend.payment_for_token(request.query.get("token", ""))

    async def show(self, request: web.Request) -> web.Response:
        p = self._payment(request)
        if p is None:
            return _page(
                "Unknown payment", "<p id='status'>This payment link is not valid.</p>", 404
            )
        if p.state != "CREATED":
            return self._result(p)
        token = html.escape(p.landing_token)
        phone = html.escape((p.customer or {}).get("phoneNumber", ""))
        who = f"<p class='muted'>Phone: {phone}</p>" if phone else ""
        form = (
            f"<form method='post' action='/landing?token={token}'>"
            "<button id='approve' name='action' value='approve' type='submit'>Approve</button>"
            "<button id='reject' name='action' value='reject' type='submit'>Reject</button></form>"
        )
        return _page("Approve payment", _summary(p) + who + form)

    async def act(self, request: web.Request) -> web.Response:
        p = self._payment(request)
        if p is None:
            return _page(
                "Unknown payment", "<p id='status'>This payment link is not valid.</p>", 404
            )
        form = await request.post()
        action = form.get("action")
        if action not in ("approve", "reject"):
            return _page("Bad request", "<p id='status'>Choose Approve or Reject.</p>", 400)
        try:
            getattr(self.backend, str(action))(p.msn, p.reference)
        except ex.DomainError:
            return self._result(p, status=409)
        if p.user_flow == "WEB_REDIRECT" and p.return_url:
            return web.Response(status=303, headers={"Location": location(p.return_url)})
        return self._result(p)

    def _result(self, p: Payment, status: int = 200) -> web.Response:
        message = MESSAGES.get(p.state, p.state)
        body = _summary(p) + f"<p id='status' data-state='{p.state}'>{html.escape(message)}</p>"
        return _page(message, body, status)

    async def qr_image(self, request: web.Request) -> web.Response:
        """The QR code (SVG by default, PNG per qrFormat) that opens this payment's landing page."""
        p = self._payment(request)
        if p is None:
            return _page("Unknown payment", "<p id='status'>This QR link is not valid.</p>", 404)
        target = f"{self.backend.base_url}/landing?token={p.landing_token}"
        fmt = (p.qr_format or {}).get("format", "IMAGE/SVG+XML")
        out = io.BytesIO()
        if fmt == "IMAGE/PNG":
            size = (p.qr_format or {}).get("size") or 1024
            qr = qrcode.QRCode(border=2)
            qr.add_data(target)
            qr.make(fit=True)
            qr.box_size = max(1, size // (qr.modules_count + 4))
            qr.make_image().save(out)
            return web.Response(body=out.getvalue(), content_type="image/png")
        qrcode.make(target, image_factory=qrcode.image.svg.SvgPathImage).save(out)
        return web.Response(body=out.getvalue(), content_type="image/svg+xml")
