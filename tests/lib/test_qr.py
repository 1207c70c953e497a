"""lib.qr: the redirectUrl as PNG and SVG QR codes that a decoder reads back."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from lib.qr import qr_png, qr_svg

URL = "http://127.0.0.1:54321/landing?token=3f1c2a9e-77aa-4b1e-9a43-0c5d1e2f3a4b"


def _image(png: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)


def test_qr_png_decodes_to_the_exact_url() -> None:
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(_image(qr_png(URL)))
    assert text == URL


def test_qr_png_keeps_a_quiet_zone_of_four_modules() -> None:
    box = 10
    image = _image(qr_png(URL, box_size=box))
    quiet = 4 * box
    for edge in (image[:quiet], image[-quiet:], image[:, :quiet], image[:, -quiet:]):
        assert edge.min() == 255  # all white: nothing of the code in the quiet zone
    assert image[quiet : quiet + box, quiet : quiet + box].max() == 0  # a finder square's corner


def test_qr_svg_and_empty_data() -> None:
    assert b"<svg" in qr_svg(URL)
    with pytest.raises(ValueError):
        qr_png("")
