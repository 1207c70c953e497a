"""QR codes for the redirectUrl (scan with a phone on a demo screen), as PNG or SVG bytes."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _qr(data: str, box_size: int, border: int) -> qrcode.QRCode:
    if not data:
        raise ValueError("no data to encode in a QR code")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """A black-on-white PNG; the 4-module border is the quiet zone scanners need."""
    image = _qr(data, box_size, border).make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """A scalable SVG, for printing or slides."""
    image = _qr(data, box_size, border).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
