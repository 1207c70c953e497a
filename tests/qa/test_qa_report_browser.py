"""The evidence report opened in headless Chromium: it renders, lists every item, and prints."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from lib.checklist import ITEM_IDS
from lib.report import write_evidence_pack
from tests.checklist.checklist_logs import NOW, LogBuilder, complete_log

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page() -> Iterator:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: install Debian chromium (see the Makefile)")
        pytest.skip(f"{CHROMIUM} is missing: install Debian chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def _report(out: Path, target: str) -> str:
    log = complete_log(LogBuilder(target=target)).exchanges
    pack = write_evidence_pack(log, out / "pack.zip", now=NOW)
    with zipfile.ZipFile(pack) as zf:
        zf.extract("report.html", out)
    return (out / "report.html").as_uri()


@pytest.fixture(scope="module")
def report_url(tmp_path_factory) -> str:
    return _report(tmp_path_factory.mktemp("report"), "test")


@pytest.fixture(scope="module")
def rehearsal_url(tmp_path_factory) -> str:
    return _report(tmp_path_factory.mktemp("rehearsal"), "simulator")


def test_report_in_chromium__renders_every_item(page, report_url) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report_url)
    assert page.title() == "ePayment checklist evidence"
    assert page.locator("table.checklist tbody tr").count() == len(ITEM_IDS)
    for item_id in ITEM_IDS:
        assert page.locator(f"#item-{item_id}").is_visible()
    assert page.locator("table.checklist .badge.met").count() == 13
    assert not errors


def test_report_in_chromium__links_reach_examples(page, report_url) -> None:
    page.goto(report_url)
    link = page.locator("table.checklist a[href^='#ex-']").first
    target = link.get_attribute("href")
    link.click()
    assert page.locator(str(target)).is_visible()


def test_report_in_chromium__prints_to_pdf(page, report_url) -> None:
    page.goto(report_url)
    page.emulate_media(media="print")
    assert page.locator("#item-G4").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_report_in_chromium__a_rehearsal_warns_above_the_fold(page, rehearsal_url) -> None:
    page.set_viewport_size({"width": 1024, "height": 700})
    page.goto(rehearsal_url)
    warning = page.get_by_role("alert")
    assert warning.is_visible()
    assert "It is not evidence for Vipps" in warning.inner_text()
    box = warning.bounding_box()
    assert box is not None and box["y"] + box["height"] < 700  # seen without scrolling
    assert page.locator("table.checklist .badge.met").count() == 0
    assert page.locator("table.checklist .badge.rehearsed").count() == 14


def test_report_in_chromium__test_evidence_has_no_warning(page, report_url) -> None:
    page.goto(report_url)
    assert page.get_by_role("alert").count() == 0
