"""Browser helpers: navigate by the sidebar, screenshots, decode a QR, find overlapping boxes."""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WAIT = 30_000  # ms; generous for a loaded machine, never asserted as a duration

# Boxes that must never cover each other: the QR, state pills and buttons of the main area.
BOXES_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  // A select's own parts (chip remove, clear, open) sit inside it by design: not separate buttons.
  const inside = '[data-testid="stMultiSelect"], [data-testid="stSelectbox"]';
  const pick = (selector, kind) => [...main.querySelectorAll(selector)]
    // Inside a collapsed expander an element keeps a box but is not drawn: not on screen.
    .filter(e => !e.closest(inside) && e.checkVisibility({visibilityProperty: true}))
    .map(e => {
      const r = e.getBoundingClientRect();
      const name = e.innerText || e.alt || e.getAttribute('aria-label') || e.dataset.testid || '';
      return {kind, text: name.slice(0, 40),
              x: r.left, y: r.top, w: r.width, h: r.height,
              overflow: Math.max(e.scrollWidth - e.clientWidth,
                  ...[...e.querySelectorAll('p')].map(t => t.scrollWidth - t.clientWidth))};
  }).filter(b => b.w > 0 && b.h > 0);
  return [
    ...pick('.st-key-complete_qr img', 'qr'),
    ...pick('.stMarkdownBadge, .state-badge, .presenter-state', 'pill'),
    // The toolbar an element shows on hover (fullscreen, copy) belongs to it: not a button here.
    ...pick('button:not([data-testid^="stBaseButton-elementToolbar"])', 'button'),
    ...pick('[data-testid="stPageLink-NavLink"]', 'button'),
  ];
}"""


def goto(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.wait_for_timeout(300)


def click(page, key: str) -> None:
    page.locator(f".st-key-{key} button").click()


def see(page, text: str) -> None:
    page.get_by_text(text).first.wait_for(timeout=WAIT)


def settle(page) -> None:
    """Until Streamlit has finished the run (no running-indicator), then a paint."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT
    )
    page.wait_for_timeout(500)


def shot(page, name: str, *, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def decode_qr(png: Path) -> str:
    """The text of the QR code in a screenshot, as a phone's decoder would read it."""
    import cv2

    image = cv2.imread(str(png))
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return text


def _intersect(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (
        a["x"] + slack < b["x"] + b["w"]
        and b["x"] + slack < a["x"] + a["w"]
        and a["y"] + slack < b["y"] + b["h"]
        and b["y"] + slack < a["y"] + a["h"]
    )


def overlaps(boxes: list[dict]) -> list[str]:
    """Every pair of boxes drawn over each other, and every box whose text runs out of it."""
    found = [
        f"{a['kind']} '{a['text']}' overlaps {b['kind']} '{b['text']}'"
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if _intersect(a, b)
    ]
    found += [
        f"pill '{b['text']}' is cut" for b in boxes if b["kind"] == "pill" and b["overflow"] > 1
    ]
    return found
