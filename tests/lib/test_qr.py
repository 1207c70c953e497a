"""lib.qr: the redirectUrl as PNG and SVG QR codes."""

from __future__ import annotations

import pytest

from lib.qr import qr_png, qr_svg


def test_qr_codes() -> None:
    png = qr_png("https://example.com/landing?token=abc")
    assert png.startswith(b"\x89PNG")
    assert b"<svg" in qr_svg("https://example.com/landing?token=abc")
    with pytest.raises(ValueError):
        qr_png("")
