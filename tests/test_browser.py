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
from conftest import explorer_pages, toc_docnames

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


LOAD_TIMEOUT_MS = 120_000  # per page; a quiet machine needs a few seconds


class PageVisit:
    """Open one page with every non-local request blocked, recording what happened.

    A page that does not go quiet in time is opened once more, in a fresh context: twice, in full
    runs on this two-core machine, a page (the intro, the model card) never reached "networkidle"
    within two minutes and then loaded in seconds. One that times out twice fails its test."""

    ATTEMPTS = 2

    def __init__(self, browser, url: str):
        from playwright.sync_api import TimeoutError as PageTimeout

        for attempt in range(1, self.ATTEMPTS + 1):
            self._open(browser)
            try:
                # Generous waits: the other test worker may be running notebooks or JupyterLab at
                # the same time, and a page with explorers loads a few MB of widget state.
                self.page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
                self.page.wait_for_load_state("networkidle", timeout=LOAD_TIMEOUT_MS)
                return
            except Exception as error:
                self.context.close()
                if attempt == self.ATTEMPTS or not isinstance(error, PageTimeout):
                    raise

    def _open(self, browser):
        """A fresh context and page, with empty records."""
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.external: list[str] = []
        self.failed_local: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("response", self._response)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

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


# --------------------------------------------------------------------------- explorers
# Every static-linked control of every explorer must change the figure on the static site,
# in the browser, with no kernel. These tests run last: they move the controls of the pages
# the checks above have already read.
EXPLORERS = explorer_pages()

VISIBLE_FIGURE = """el => {
    const shown = Array.from(el.querySelectorAll('img')).filter(i => i.offsetParent !== null);
    const note = Array.from(el.querySelectorAll('.hpg-explorer-note')).find(p => p.offsetParent !== null);
    return {count: shown.length, src: shown.map(i => i.src).join('|'), alt: shown.map(i => i.alt).join('|'),
            note: note ? note.textContent : ''};
}"""


def test_every_notebook_explorer_page_is_found():
    assert EXPLORERS, "no page declares an explorer (widgets.explore)"


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_static_control_of_every_explorer_changes_the_figure(visits, name):
    page = visits[name].page
    expected = EXPLORERS[name]
    page.wait_for_function("n => document.querySelectorAll('.hpg-explorer').length >= n", arg=expected, timeout=20000)
    explorers = page.locator(".hpg-explorer")
    assert explorers.count() == expected
    moved = 0
    for i in range(expected):
        explorer = explorers.nth(i)
        explorer.scroll_into_view_if_needed()
        controls = [*_slider_moves(explorer), *_toggle_moves(explorer), *_select_moves(explorer)]
        assert controls, f"explorer {i + 1} on {name} has no static-linked control"
        for label, move in controls:
            before = explorer.evaluate(VISIBLE_FIGURE)
            assert before["count"] == 1 and before["alt"], f"explorer {i + 1}: one figure with alt text before moving {label}"
            move()
            page.wait_for_function(
                "([el, src]) => Array.from(el.querySelectorAll('img')).filter(i => i.offsetParent !== null).map(i => i.src).join('|') !== src",
                arg=[explorer.element_handle(), before["src"]],
                timeout=5000,
            )
            after = explorer.evaluate(VISIBLE_FIGURE)
            assert after["count"] == 1, f"explorer {i + 1}: exactly one figure shown after moving {label}"
            assert after["alt"] != before["alt"], f"explorer {i + 1}: the alt text describes the new setting of {label}"
            assert after["note"] != before["note"], f"explorer {i + 1}: the note states the new setting of {label}"
            moved += 1
    assert visits[name].errors == []
    assert visits[name].external == []
    assert moved >= expected


def _slider_moves(explorer):
    handles = explorer.locator(".noUi-handle")
    for j in range(handles.count()):
        handle = handles.nth(j)

        def move(handle=handle):
            at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            handle.focus()
            handle.press("ArrowLeft" if at_end else "ArrowRight")

        yield handle.get_attribute("aria-label") or f"slider {j + 1}", move


def _toggle_moves(explorer):
    groups = explorer.locator(".widget-toggle-buttons")
    for j in range(groups.count()):
        group = groups.nth(j)

        def move(group=group):
            group.locator(".widget-toggle-button:not(.mod-active)").first.click()

        yield f"buttons {j + 1}", move


def _select_moves(explorer):
    selects = explorer.locator("select")
    for j in range(selects.count()):
        select = selects.nth(j)

        def move(select=select):
            options = select.locator("option").count()
            current = select.evaluate("s => s.selectedIndex")
            select.select_option(index=(current + 1) % options)

        yield f"list {j + 1}", move
