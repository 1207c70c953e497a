"""A page URL opened in a fresh browser session still gets the entrypoint's setup and sidebar."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("verify_sales_unit", "Verify a sales unit"),
        ("checklist", "Checklist"),
        ("capture", "6. Capture"),
        ("access_token", "2. Access token"),
        ("payment_status", "5. Payment status"),
        ("webhooks", "Webhooks"),
    ],
)
def test_deep_link__page_opens_with_navigation_and_sidebar(browser, dashboard_url, path, heading):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(f"{dashboard_url}/{path}")
        page.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Sales unit (MSN)").wait_for(timeout=30_000)
        assert (
            sidebar.get_by_text("1. Setup").count() >= 1
        )  # st.navigation's sections, not v1 names
        assert page.get_by_text("Traceback").count() == 0
        assert page.get_by_text("unexpected", exact=False).count() == 0
    finally:
        page.close()
