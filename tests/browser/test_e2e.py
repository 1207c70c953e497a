"""End to end in headless Chromium: the eight quick-start steps on the embedded simulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import DEFAULT_SALES_UNIT

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WAIT = 30_000  # ms; generous for a loaded CI machine, never asserted as a duration


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(600)  # let the last rerun paint
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _goto(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title).wait_for(timeout=WAIT)


def _click(page, key: str) -> None:
    page.locator(f".st-key-{key} button").click()


def _fill(page, key: str, value: str) -> None:
    field = page.locator(f".st-key-{key} input")
    field.fill(value)
    field.press("Enter")


def _see(page, text: str) -> None:
    page.get_by_text(text).first.wait_for(timeout=WAIT)


def test_quick_start_end_to_end(browser, dashboard_url) -> None:
    context = browser.new_context(viewport={"width": 1600, "height": 1400}, accept_downloads=True)
    page = context.new_page()
    page.goto(dashboard_url)
    page.get_by_role("heading", name="1. Setup").wait_for(timeout=WAIT)

    _click(page, "setup_check")
    _see(page, "Keys work for MSN")
    _shot(page, "01-setup")

    _goto(page, "2. Access token")
    _click(page, "token_get")
    _see(page, "Expires in")
    _shot(page, "02-access-token")

    _goto(page, "3. Create payment")
    _click(page, "create_go")
    _see(page, "Current payment:")
    _shot(page, "03-create-payment")

    _goto(page, "4. Complete payment")
    link = page.get_by_role("link", name="Open the landing page")
    link.wait_for(timeout=WAIT)
    landing_url = link.get_attribute("href")
    _shot(page, "04-complete-payment")

    _goto(page, "5. Payment status")
    _see(page, "CREATED")
    _see(page, "Polling every")
    _shot(page, "05a-status-polling")
    landing = context.new_page()
    landing.route("https://example.com/**", lambda route: route.fulfill(body="back in the shop"))
    landing.goto(landing_url)
    _shot(landing, "04b-landing-page")
    landing.locator("#approve").click()
    landing.get_by_text("back in the shop").wait_for(timeout=WAIT)
    landing.close()
    # No reload: the polling fragment must bring the new state.
    _see(page, "Final state: polling stopped")
    _see(page, "AUTHORIZED")
    _see(page, "AUTHORIZED: webhook")  # pushed to the dashboard's receiver, beside the poll
    _shot(page, "05-payment-status")

    _goto(page, "6. Capture")
    page.get_by_text("Part of it").click()
    _fill(page, "capture_amount", "4.00")
    _click(page, "capture_go")
    _see(page, "Still reserved and not captured: NOK 6.00")
    _shot(page, "06-capture")

    _goto(page, "7. Refund")
    page.get_by_text("Part of it").click()
    _fill(page, "refund_amount", "1.00")
    _click(page, "refund_go")
    _see(page, "Captured and not yet refunded: NOK 3.00")
    _shot(page, "07-refund")

    _goto(page, "8. Cancel")
    _click(page, "cancel_go")
    _see(page, "Nothing left to release")
    _shot(page, "08-cancel")

    _goto(page, "Webhooks")
    _see(page, "this dashboard's receiver")
    _see(page, "Deliveries received here")
    _shot(page, "12-webhooks")

    _goto(page, "Request log")
    page.locator(".st-key-log_download_csv button").wait_for(timeout=WAIT)
    _shot(page, "09-request-log")
    with page.expect_download() as download:
        _click(page, "log_download_csv")
    csv = Path(download.value.path()).read_text(encoding="utf-8")
    for operation in (
        "access_token",
        "create_payment",
        "get_payment",
        "get_payment_event_log",
        "capture_payment",
        "refund_payment",
        "cancel_payment",
        "webhook_delivery",
    ):
        assert operation in csv, f"{operation} is missing from the request log"
    assert DEFAULT_SALES_UNIT.client_secret not in csv
    assert DEFAULT_SALES_UNIT.subscription_key not in csv

    _click(page, "sb_start_over")
    page.get_by_role("heading", name="3. Create payment").wait_for(timeout=WAIT)
    _see(page, "None yet: create one in step 3.")
    context.close()
