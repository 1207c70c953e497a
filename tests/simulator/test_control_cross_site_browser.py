"""A page of another site, in a real Chromium, cannot approve or reset through the control plane."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from simulator import SimulatorServer
from tests.simulator.helpers import Api, create_body

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ATTACK = """<!doctype html><script>
const sim = new URLSearchParams(location.search).get("sim");
const ref = new URLSearchParams(location.search).get("ref");
Promise.allSettled([
  fetch(`${sim}/_sim/payments/123456/${ref}/approve`, {method: "POST", mode: "no-cors"}),
  fetch(`${sim}/_sim/reset`, {method: "POST", mode: "no-cors"}),
]).then(() => { document.title = "sent"; });
</script>"""


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (stdlib naming)
        body = ATTACK.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def foreign_site() -> Iterator[str]:
    """Another origin: the same machine, another port (a browser treats it as another site's)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_cross_site_page__cannot_approve_or_reset(sim: SimulatorServer, foreign_site: str) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (see `make test`).")
    sync_api = pytest.importorskip("playwright.sync_api")
    body = create_body()
    assert Api(sim).create(body).status_code == 201
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page()
        page.goto(f"{foreign_site}/?sim={sim.base_url}&ref={body['reference']}")
        page.wait_for_function("document.title === 'sent'", timeout=10_000)
        browser.close()
    assert sim.backend.payment("123456", body["reference"]).state == "CREATED"
