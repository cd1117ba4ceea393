"""Explorers in a running kernel: a real JupyterLab, driven by Chromium, runs every notebook
with an explorer; each explorer must show its live face and recompute the model when a control
moves to a value that was not precomputed. A slider moved several steps in quick succession
must end on the figure of its last position (the front end drops stale values).

Notebooks are copied to a temporary folder first: JupyterLab saves what it runs.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from conftest import ROOT, explorer_pages
from hpg.widgets import STATIC_SITE
from hpg.widgets.live_face import LIVE_FOOTER
from test_browser import LOCAL_HOSTS, VISIBLE_FIGURE, browser  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.browser

EXPLORERS = explorer_pages()
STEPS = 4  # quick slider steps: the figure must follow to the last
LAB_LOG = Path()  # the log of the JupyterLab server (and its kernels), set by the fixture


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    for name in EXPLORERS:
        shutil.copy(ROOT / f"{name}.ipynb", root / Path(name).with_suffix(".ipynb").name)
    # Render every cell (JupyterLab 4 otherwise draws only the cells on screen) and skip news.
    settings = root / ".settings"
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = free_port()
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               "--IdentityProvider.token=", "--ServerApp.password=", "--LabApp.expose_app_in_browser=True",
               f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTER_CONFIG_DIR=str(root / ".config"))
    env.pop(STATIC_SITE, None)  # a reader's kernel, not the build's
    global LAB_LOG
    LAB_LOG = root / "lab.log"
    log = open(LAB_LOG, "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urlopen(f"{url}/api", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.terminate()
        pytest.fail("JupyterLab did not start:\n" + (root / "lab.log").read_text()[-3000:])
    yield url
    server.terminate()
    server.wait(timeout=20)
    log.close()


def live_move(explorer):
    """Move the explorer's first control in its live face; returns what was moved and, for a
    slider, the value it ends on.

    A slider takes a few quick steps off the precomputed grid (unless grid-only); an explorer
    made only of choices switches its first choice (buttons, or a list other than the presets)."""
    handles = explorer.locator(".noUi-handle")
    if handles.count():
        handles.first.focus()
        for _ in range(STEPS):
            handles.first.press("ArrowRight")
        readout = explorer.locator(".widget-readout").first
        return "slider", float(readout.inner_text().strip() if readout.count() else handles.first.get_attribute("aria-valuenow"))
    buttons = explorer.locator(".widget-toggle-buttons .widget-toggle-button:not(.mod-active)")
    if buttons.count():
        buttons.first.click()
        return "buttons", None
    for select in explorer.locator(".widget-dropdown").all():
        if select.locator("label").inner_text().strip() != "Preset":
            options = select.locator("option").count()
            current = select.locator("select").evaluate("s => s.selectedIndex")
            select.locator("select").select_option(index=(current + 1) % options)
            return "list", None
    raise AssertionError("the live explorer has no control to move")


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_explorer_goes_live_and_recomputes_in_jupyterlab(lab, browser, name):  # noqa: F811 - the fixture
    expected = EXPLORERS[name]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    external = []

    def route(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            external.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    workspace = Path(name).name  # a fresh workspace per notebook: no tab of an earlier test reopens
    try:
        page.goto(f"{lab}/lab/workspaces/{workspace}/tree/{Path(name).name}.ipynb?reset")
        page.wait_for_function("() => !!window.jupyterapp", timeout=60000)
        page.wait_for_selector("text=| Idle", timeout=60000)  # the kernel is ready
        notebook = page.locator(".jp-NotebookPanel:visible .jp-Notebook").first
        notebook.click()
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(
            "([n, text]) => Array.from(document.querySelectorAll('.hpg-explorer-footer'))"
            ".filter(p => p.textContent.trim() === text).length >= n",
            arg=[expected, LIVE_FOOTER],
            timeout=180000,
        )
        explorers = notebook.locator(".hpg-explorer")
        assert explorers.count() == expected
        for i in range(expected):
            explorer = explorers.nth(i)
            explorer.scroll_into_view_if_needed()
            before = explorer.evaluate(VISIBLE_FIGURE)
            assert before["count"] == 1
            moved, last = live_move(explorer)
            page.wait_for_function(
                "([el, alt]) => Array.from(el.querySelectorAll('img')).filter(i => i.offsetParent !== null)"
                ".map(i => i.alt).join('|') !== alt",
                arg=[explorer.element_handle(), before["alt"]],
                timeout=90000,  # a wait, not a check (see below)
            )
            after = explorer.evaluate(VISIBLE_FIGURE)
            assert after["note"] != before["note"], f"explorer {i + 1}: the note follows the {moved}"
            if last is not None:  # the figure ends on the slider's last position, not an earlier one
                try:
                    page.wait_for_function(
                        "([el, text]) => Array.from(el.querySelectorAll('.hpg-explorer-note'))"
                        ".some(p => p.offsetParent !== null && p.textContent.includes(text))",
                        arg=[explorer.element_handle(), f" {last:g}"],
                        timeout=180000,  # a wait, not a check: a cohort explorer drawing ahead on a loaded machine
                    )
                except PlaywrightTimeout:
                    pytest.fail(f"explorer {i + 1}: the slider ended on {last:g}, the explorer still shows\n"
                                f"{explorer.inner_text()}\n--- the end of JupyterLab's log ---\n{LAB_LOG.read_text()[-4000:]}")
        assert external == []
    finally:
        # Stop the kernel this notebook started, so the next notebook has the machine to itself.
        page.evaluate("() => window.jupyterapp && window.jupyterapp.serviceManager.sessions.shutdownAll()")
        context.close()
