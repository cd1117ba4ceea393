"""The built site in a real Chromium: every page loads offline, renders, and is accessible.

All requests to any host other than this machine are blocked and recorded; a page
passes only if it made none. Chromium is Debian's (never a downloaded build).
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from urllib.parse import urlparse

import pytest

from conftest import toc_docnames

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SERIOUS = {"critical", "serious"}


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("missing: Chromium (on Debian: apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        yield browser
        browser.close()


class PageVisit:
    """Open one page with every non-local request blocked, recording what happened."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.external: list[str] = []
        self.failed_local: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("response", self._response)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _route(self, route):
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _response(self, response):
        if response.status >= 400 and urlparse(response.url).hostname in LOCAL_HOSTS:
            self.failed_local.append(f"{response.status} {response.url}")

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def visits(browser, server):
    """Visit every page of the table of contents once; tests read the records."""
    records = {}
    for name in toc_docnames():
        records[name] = PageVisit(browser, f"{server}/{name}.html")
    yield records
    for visit in records.values():
        visit.close()


PAGES = toc_docnames()


@pytest.mark.parametrize("name", PAGES)
def test_no_request_leaves_the_machine(visits, name):
    assert visits[name].external == []


@pytest.mark.parametrize("name", PAGES)
def test_no_local_404_and_no_script_error(visits, name):
    assert visits[name].failed_local == []
    assert visits[name].errors == []


@pytest.mark.parametrize("name", PAGES)
def test_page_has_a_heading(visits, name):
    heading = visits[name].page.locator("main h1").first
    assert heading.inner_text().strip()


@pytest.mark.parametrize("name", PAGES)
def test_every_image_loaded(visits, name):
    broken = visits[name].page.evaluate(
        "() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    assert broken == []


@pytest.mark.parametrize("name", PAGES)
def test_every_embedded_widget_rendered(visits, name):
    page = visits[name].page
    expected = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if expected:
        page.wait_for_function(
            "n => document.querySelectorAll('.jupyter-widgets.widget-container, .jupyter-widgets.widget-inline-hbox, .jupyter-widgets-view').length >= n",
            arg=expected,
            timeout=15000,
        )
        assert page.locator(".widget-label, .widget-html, .widget-output").count() > 0
        # An Output widget (the display of an interact) must show its default figure or text.
        empty = page.evaluate(
            "() => Array.from(document.querySelectorAll('.widget-output'))"
            ".filter(o => !o.querySelector('img, pre, .jp-RenderedText')).length"
        )
        assert empty == 0, f"{empty} Output widget(s) rendered empty"


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violation(visits, name):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(visits[name].page)
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]
    assert serious == []
