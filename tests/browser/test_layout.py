"""The dashboard as seen: a QR that scans at common sizes, pages with nothing drawn over each other,
the presenter view at projector and laptop sizes. One dashboard and one browser page for all."""

from __future__ import annotations

import pytest

from tests.browser.views import (
    BOXES_JS,
    WAIT,
    click,
    decode_qr,
    goto,
    overlaps,
    see,
    settle,
    shot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SIZES = {"1366x768": (1366, 768), "1920x1080": (1920, 1080)}
PAGES = (
    "1. Setup",
    "2. Access token",
    "3. Create payment",
    "4. Complete payment",
    "5. Payment status",
    "Webhooks",
    "6. Capture",
    "7. Refund",
    "8. Cancel",
    "Request log",
    "Checklist",
    "Verify a sales unit",
)


@pytest.fixture(scope="module")
def page(browser, dashboard_url):
    """One session with a token and a payment waiting for the customer (CREATED)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    tab.goto(dashboard_url)
    tab.get_by_role("heading", name="1. Setup").wait_for(timeout=WAIT)
    goto(tab, "2. Access token")
    click(tab, "token_get")
    see(tab, "Expires in")
    goto(tab, "3. Create payment")
    click(tab, "create_go")
    see(tab, "Current payment:")
    yield tab
    context.close()


# The QR image has loaded and nothing above it is see-through (Streamlit dims a stale element).
QR_DRAWN = """() => {
    const img = document.querySelector('.st-key-complete_qr img');
    if (!img || !img.complete || img.naturalWidth === 0) return false;
    for (let e = img; e; e = e.parentElement) {
        if (parseFloat(getComputedStyle(e).opacity) < 1) return false;
    }
    return true;
}"""


def _redirect_url(page) -> str:
    goto(page, "4. Complete payment")
    link = page.get_by_role("link", name="Open the landing page")
    link.wait_for(timeout=WAIT)
    return str(link.get_attribute("href"))


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1366, 768), (1920, 1080)])
def test_the_qr_code_scans_from_a_screenshot(page, width, height) -> None:
    page.set_viewport_size({"width": width, "height": height})
    url = _redirect_url(page)
    qr = page.locator(".st-key-complete_qr img")
    qr.scroll_into_view_if_needed()
    settle(page)
    # A camera keeps looking: a few frames, each once the code is drawn whole (loaded, and not
    # dimmed by a rerun of the live panel: a CI run once caught five blank frames in a row).
    decoded: list[str] = []
    while not decoded or (decoded[-1] != url and len(decoded) < 5):
        settle(page)
        page.wait_for_function(QR_DRAWN, timeout=WAIT)
        decoded.append(decode_qr(shot(page, f"qr-{width}x{height}")))
    assert decoded[-1] == url, decoded
    column = page.locator("[data-testid='stColumn']").filter(has=qr).first.bounding_box()
    box = qr.bounding_box()
    assert box and column
    assert box["x"] >= column["x"] and box["x"] + box["width"] <= column["x"] + column["width"] + 1


def test_the_token_is_shown_whole(page) -> None:
    goto(page, "2. Access token")
    token = page.locator("[data-testid='stCode']").filter(has_text="chars").first
    token.wait_for(timeout=WAIT)
    cut = token.evaluate(
        "e => e.querySelector('pre').scrollWidth - e.querySelector('pre').clientWidth"
    )
    assert cut <= 1, "the masked token runs out of its box"


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_without_overlaps_or_errors(page, size) -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    problems = []
    for title in PAGES:
        goto(page, title)
        page.get_by_role("heading", name=title).first.wait_for(timeout=WAIT)
        settle(page)
        if page.get_by_test_id("stException").count():
            problems.append(f"{title}: an exception is shown")
        if page.get_by_text("Something unexpected went wrong").count():
            problems.append(f"{title}: the safety net caught an error")
        problems += [f"{title}: {o}" for o in overlaps(page.evaluate(BOXES_JS))]
        if title in ("1. Setup", "4. Complete payment", "5. Payment status"):
            shot(page, f"layout-{size}-{title.split('.')[0]}", full_page=True)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", list(SIZES))
def test_presenter_view_at_projector_and_laptop_size(page, size) -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    goto(page, "Presenter view")
    page.locator(".presenter-amount").wait_for(timeout=WAIT)
    settle(page)
    assert page.get_by_test_id("stSidebar").is_hidden()  # full screen: no developer chrome
    assert page.locator(".st-key-presenter_phone iframe").count() == 1
    assert page.get_by_text("curl").count() == 0
    shot(page, f"presenter-{size}")
    assert overlaps(page.evaluate(BOXES_JS)) == []
    qr = page.locator(".st-key-complete_qr img").bounding_box()
    assert qr and qr["y"] + qr["height"] <= height  # the QR is on screen without scrolling
    click(page, "presenter_tell")
    page.locator(".st-key-presenter_stop button").wait_for(timeout=WAIT)  # the telling began
    try:
        page.get_by_text("That is a whole payment").wait_for(timeout=90_000)
        page.locator(".st-key-presenter_new button").wait_for(timeout=WAIT)  # the telling ended
    finally:
        shot(page, f"presenter-{size}-last")
    settle(page)
    assert page.locator(".presenter-state:visible").inner_text() == "AUTHORIZED"
    for step in ("Created", "Approved", "Captured", "Refunded"):
        assert page.get_by_text(step, exact=True).count() >= 1
    shot(page, f"presenter-{size}-told")
    assert overlaps(page.evaluate(BOXES_JS)) == []
    page.get_by_role("link", name="Leave").click()
    page.get_by_role("heading", name="1. Setup").wait_for(timeout=WAIT)


@pytest.fixture
def slow_token_server():
    """A token endpoint that refuses made-up keys after 2 s: time enough to click elsewhere."""
    import json
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            time.sleep(2)
            body = json.dumps({"error": "invalid_client", "error_description": "made-up keys"})
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_an_interrupted_key_check_leaves_the_checked_target(page, slow_token_server) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    goto(page, "1. Setup")
    page.get_by_role("heading", name="1. Setup").wait_for(timeout=WAIT)
    target = page.locator(".st-key-setup_target")
    target.get_by_text("Custom URL").click()
    page.locator(".st-key-setup_base_url_custom input").fill(slow_token_server)
    for field, value in (("client_id", "made-up"), ("secret", "x"), ("sub_key", "y")):
        page.locator(f".st-key-setup_{field}_custom input").fill(value)
    page.locator(".st-key-setup_msn_custom input").fill("123456")
    click(page, "setup_check")
    page.wait_for_timeout(250)
    target.get_by_text("Embedded simulator").click()  # while the check still waits
    page.wait_for_timeout(3000)  # the slow answer has come and gone
    settle(page)
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_text("Embedded simulator").count() == 1
    assert sidebar.get_by_text("Custom URL").count() == 0
    see(page, "Active now: Embedded simulator")
    goto(page, "3. Create payment")
    click(page, "create_go")
    see(page, "Current payment:")  # the next create works: no unchecked keys are active
